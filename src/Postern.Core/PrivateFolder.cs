namespace Postern;

/// <summary>Folders only their owner may open (mode 0700): <c>data_dir</c> and the folders that hold keys.</summary>
public static class PrivateFolder
{
    /// <summary>The owner's read, write and search permissions, and nothing for group or others.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Creates <paramref name="path"/> and any missing parents with mode 0700 (the process's umask may only take
    /// more away); a folder that exists already is left as it is.
    /// </summary>
    public static DirectoryInfo Create(string path) =>
        OperatingSystem.IsWindows() ? Directory.CreateDirectory(path) : Directory.CreateDirectory(path, Mode);
}
