namespace Postern.Storage;

/// <summary>What a change did to a key.</summary>
public enum ChangeKind
{
    /// <summary>The key was created or overwritten.</summary>
    Put,

    /// <summary>The key was deleted, or expired and was swept.</summary>
    Delete,
}
