namespace Postern.Storage;

/// <summary>
/// How a <see cref="ChangeKind"/> is written in the <c>changes</c> table; fixed here so that the file's
/// meaning does not follow the order of the enum's members.
/// </summary>
internal static class StoredChangeKind
{
    public const int Put = 1;
    public const int Delete = 2;

    public static int ToCode(ChangeKind kind) => kind switch
    {
        ChangeKind.Put => Put,
        ChangeKind.Delete => Delete,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown change kind"),
    };

    public static ChangeKind FromCode(long code) => code switch
    {
        Put => ChangeKind.Put,
        Delete => ChangeKind.Delete,
        _ => throw new InvalidDataException($"the change log holds an unknown change kind {code}"),
    };
}
