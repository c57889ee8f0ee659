namespace Postern.Storage;

/// <summary>
/// Statements on the audit tables that read the same in both SQL dialects but for the table prefix and the parameters'
/// names (<c>@name</c>), which each backend renames (<see cref="For"/>).
/// </summary>
internal static class AuditSql
{
    /// <summary>
    /// Retention: a chain loses its events up to the newest checkpoint sealed before <c>@before</c> (Unix
    /// milliseconds)…
    /// </summary>
    public const string DeleteEvents =
        """
        DELETE FROM audit_events WHERE sequence <= (
            SELECT MAX(c.sequence) FROM audit_checkpoints c WHERE c.chain = audit_events.chain AND c.time < @before)
        """;

    /// <summary>Moves a chain's head: <c>@chain</c>, <c>@sequence</c>, <c>@hash</c>.</summary>
    public const string MoveHead =
        "INSERT INTO audit_chains (chain, sequence, hash) VALUES (@chain, @sequence, @hash) "
        + "ON CONFLICT (chain) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash";

    /// <summary>The head of every chain.</summary>
    public const string Heads = "SELECT chain, sequence, hash FROM audit_chains ORDER BY chain";

    /// <summary>… and the checkpoints before that one, which stays as the anchor the remaining events are verified from.</summary>
    public const string DeleteCheckpoints =
        """
        DELETE FROM audit_checkpoints WHERE sequence < (
            SELECT MAX(n.sequence) FROM audit_checkpoints n WHERE n.chain = audit_checkpoints.chain AND n.time < @before)
        """;

    /// <summary>
    /// <paramref name="sql"/> with the tables prefixed by <paramref name="tablePrefix"/> and each <c>@name</c> of
    /// <paramref name="names"/> replaced by <paramref name="parameter"/>'s form of it (its position from 1, and the name).
    /// </summary>
    public static string For(string sql, string tablePrefix, Func<int, string, string> parameter, params string[] names)
    {
        var text = sql.Replace("audit_", tablePrefix + "audit_", StringComparison.Ordinal);
        for (var i = 0; i < names.Length; i++)
            text = text.Replace("@" + names[i], parameter(i + 1, names[i]), StringComparison.Ordinal);
        return text;
    }
}
