namespace Postern.Server.State;

/// <summary>
/// That the bot <see cref="Bot"/> was issued JWT-SVIDs for <see cref="SpiffeId"/>, stored at
/// <c>/svid_holders/&lt;bot&gt;/&lt;SHA-256 of the SPIFFE ID&gt;</c> until a day after the last issuance that renewed it: how
/// the app door tells which bot a workload's SVID speaks for.
/// </summary>
internal sealed record SvidHolderRecord(string Bot, string SpiffeId, DateTimeOffset Expires)
{
    public const string Prefix = "/svid_holders/";

    /// <summary>How long a record lasts after the issuance that wrote it.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>The store key of <paramref name="bot"/>'s record for <paramref name="spiffeId"/>.</summary>
    public static string KeyOf(string bot, string spiffeId) =>
        Prefix + bot + "/" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(spiffeId)));
}
