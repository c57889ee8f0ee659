namespace Postern.Storage;

/// <summary>Well-known revision values for conditional writes.</summary>
public static class Revision
{
    /// <summary>Expected revision meaning "the key must not exist (or has expired)".</summary>
    public const long Absent = 0;
}
