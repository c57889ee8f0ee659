namespace Postern.Server.State;

/// <summary>
/// A lock on an identity (<c>user/alice</c>, <c>bot/ci</c>), stored at <c>/locks/&lt;kind&gt;/&lt;name&gt;</c>.
/// While it exists, every session and credential of that identity is refused on every instance.
/// </summary>
internal sealed record LockRecord(string Target, DateTimeOffset Created, DateTimeOffset? Expires, string? Message)
{
    public const string Prefix = "/locks/";

    public static string StoreKey(string target) => Prefix + target;
}
