namespace Postern.Storage.Sqlite;

/// <summary>
/// Keeps the store's files for their owner only (mode 0600), whatever the process's umask: the database file and
/// SQLite's companions (<c>-wal</c>, <c>-shm</c>, <c>-journal</c>), which SQLite creates with the database file's mode.
/// </summary>
internal static class OwnerOnlyFiles
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static readonly string[] Companions = ["-wal", "-shm", "-journal"];

    /// <summary>
    /// Before SQLite opens <paramref name="path"/> for writing: creates the folder (0700) and an empty database file
    /// (0600, exclusively), or takes group and other permissions off the files that exist.
    /// </summary>
    public static void Prepare(string path)
    {
        PrivateFolder.Create(Path.GetDirectoryName(path)!);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateFile.Mode }).Dispose();
        }
        catch (IOException) when (File.Exists(path))
        {
        }

        Restrict(path);
    }

    /// <summary>Takes group and other permissions off <paramref name="path"/> and its companion files, where they exist.</summary>
    public static void Restrict(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var file in Companions.Select(suffix => path + suffix).Prepend(path))
        {
            try
            {
                var mode = File.GetUnixFileMode(file);
                if ((mode & GroupOrOther) != 0)
                {
                    File.SetUnixFileMode(file, mode & ~GroupOrOther);
                }
            }
            catch (FileNotFoundException)
            {
            }
        }
    }
}
