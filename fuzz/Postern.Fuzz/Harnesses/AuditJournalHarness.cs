using Postern.Audit;

namespace Postern.Fuzz.Harnesses;

/// <summary>
/// <see cref="AuditJournal.ReadEvents"/>, the reader of a journal segment a crashed instance left. Contract: every line
/// it returns is a whole audit event without a newline or a zero byte, the lines are the input's leading lines in
/// order, and a line that is not an event ends the read.
/// </summary>
internal static class AuditJournalHarness
{
    public static void Run(byte[] input)
    {
        var events = AuditJournal.ReadEvents(input);
        var at = 0;
        foreach (var line in events)
        {
            ContractBroken.Unless(AuditEvent.Parse(line) is not null, "a line that is not an audit event was returned");
            ContractBroken.Unless(Array.IndexOf(line, (byte)'\n') < 0 && Array.IndexOf(line, (byte)0) < 0, "a returned line holds a newline or a zero byte");
            ContractBroken.Unless(input.AsSpan(at).StartsWith(line) && input.Length > at + line.Length && input[at + line.Length] == (byte)'\n', "a returned line is not the input's next line");
            at += line.Length + 1;
        }
    }
}
