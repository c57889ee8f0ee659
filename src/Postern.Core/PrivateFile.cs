using System.Security.Cryptography;

namespace Postern;

/// <summary>Files only their owner may read (mode 0600): keys and credentials in <c>data_dir</c>.</summary>
public static class PrivateFile
{
    /// <summary>The owner's read and write permissions, and nothing for group or others.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> durably: into a temporary file beside it, with a
    /// random name, created exclusively (never an existing file or a planted link) with mode 0600, flushed to disk,
    /// then renamed over the target, so a crash leaves the old file or the new one. A missing folder is created 0700
    /// (<see cref="PrivateFolder"/>). The temporary file is removed when the write fails.
    /// </summary>
    /// <exception cref="IOException">The target exists and <paramref name="overwrite"/> is false, or the write failed.</exception>
    public static void Write(string path, string content, bool overwrite) => Write(path, content, overwrite, Mode);

    /// <summary>As <see cref="Write(string, string, bool)"/>, with the file's <paramref name="mode"/> (e.g. 0644 for a certificate others may read).</summary>
    public static void Write(string path, string content, bool overwrite, UnixFileMode mode)
    {
        var target = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(target)!;
        PrivateFolder.Create(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
