namespace Postern.Audit;

/// <summary>
/// What the journal files in a folder hold that no running instance is copying to the store: the segments a stopped
/// instance left, copied when an instance next starts with that folder. For <c>postern audit verify</c>, which reads
/// the store and would not otherwise see them.
/// </summary>
public static class AuditJournalBacklog
{
    /// <summary>The journal's folder under <c>data_dir</c>.</summary>
    public const string FolderName = "audit-journal";

    /// <summary>Each segment in <paramref name="folder"/> that no running instance holds, with the events it holds.</summary>
    public static IReadOnlyList<(string Path, int Events)> Orphans(string folder)
    {
        var found = new List<(string, int)>();
        foreach (var orphan in AuditJournal.ClaimOrphans(folder))
        {
            using (orphan)
                found.Add((orphan.Path, orphan.ReadEvents().Count));
        }

        return found;
    }
}
