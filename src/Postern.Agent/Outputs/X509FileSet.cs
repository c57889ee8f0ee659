using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Postern.Agent.Outputs;

/// <summary>
/// Replaces <c>svid.pem</c>, <c>svid_key.pem</c> and <c>bundle.pem</c> together, so that no reader and no crash ever pairs
/// a certificate with another certificate's key: each set is written to a new folder <c>..x509-&lt;random&gt;</c>, then the
/// link <c>..x509</c> is switched to it with one rename; the three names in the output folder are links through
/// <c>..x509</c> (the way kubelet updates a mounted ConfigMap).
/// </summary>
internal sealed class X509FileSet(string folder)
{
    public const string Current = "..x509";
    private const string SetPrefix = "..x509-";
    private static readonly string[] Names = ["svid.pem", "svid_key.pem", "bundle.pem"];

    /// <summary>Writes a new set (<paramref name="files"/>: name, content, mode) and makes it current in one step.</summary>
    public void Replace(IReadOnlyList<(string Name, string Content, UnixFileMode Mode)> files)
    {
        PrivateFolder.Create(folder);
        var set = SetPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var setPath = Path.Combine(folder, set);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the agent runs on Linux only");
        }

        Directory.CreateDirectory(setPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (var (name, content, mode) in files)
        {
            PrivateFile.Write(Path.Combine(setPath, name), content, overwrite: false, mode);
        }

        var previous = new FileInfo(Path.Combine(folder, Current)).LinkTarget;
        SwapLink(Current, set);
        foreach (var name in Names)
        {
            if (new FileInfo(Path.Combine(folder, name)).LinkTarget != Path.Combine(Current, name))
            {
                SwapLink(name, Path.Combine(Current, name));
            }
        }

        if (previous is not null && previous != set && previous.StartsWith(SetPrefix, StringComparison.Ordinal))
        {
            Directory.Delete(Path.Combine(folder, previous), recursive: true);
        }
    }

    /// <summary>Removes what a crash can leave: sets that are not current and links not yet renamed into place.</summary>
    public void RemoveStale()
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        var current = new FileInfo(Path.Combine(folder, Current)).LinkTarget;
        foreach (var set in Directory.EnumerateDirectories(folder, SetPrefix + "*"))
        {
            if (Path.GetFileName(set) != current)
            {
                Directory.Delete(set, recursive: true);
            }
        }

        foreach (var stale in Directory.EnumerateFileSystemEntries(folder, ".*.link"))
        {
            File.Delete(stale);
        }
    }

    // A new link beside the target, renamed over it: rename(2) replaces the old name in one step. Called directly, since
    // File.Move refuses a source that resolves to a folder, as the link to a set does.
    private void SwapLink(string name, string target)
    {
        var temp = Path.Combine(folder, $".{name}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.link");
        File.CreateSymbolicLink(temp, target);
        if (Rename(temp, Path.Combine(folder, name)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            File.Delete(temp);
            throw new IOException($"could not rename {temp} to {name} in {folder} (errno {errno})");
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);
}
