using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Postern.Agent.Attestation;

/// <summary>
/// SHA-256 of a process's executable, read through <c>/proc/&lt;pid&gt;/exe</c> (the file the process runs, even
/// if its path now names another), cached by the file's identity: mount id, inode, modification time and size.
/// </summary>
internal sealed class ExecutableHashes(string procRoot, int capacity = 256)
{
    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);

    /// <summary>How many hashes were computed rather than taken from the cache (for tests).</summary>
    public int Computed { get; private set; }

    /// <summary>The executable's hash in lower-case hex; null when it cannot be read, or changed while it was read.</summary>
    public string? Hash(int pid)
    {
        try
        {
            using var handle = File.OpenHandle(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "exe"));
            if (Identity(handle) is not { } before)
            {
                return null;
            }

            if (_cache.TryGetValue(before, out var known))
            {
                return known;
            }

            using var stream = new FileStream(handle, FileAccess.Read);
            var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            Computed++;
            if (Identity(handle) != before)
            {
                return null;
            }

            if (_cache.Count >= capacity)
            {
                _cache.Clear();
            }

            _cache[before] = hash;
            return hash;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Identity(SafeFileHandle handle)
    {
        string? mount = null, inode = null;
        var fd = handle.DangerousGetHandle().ToInt64().ToString(CultureInfo.InvariantCulture);
        foreach (var line in File.ReadLines($"/proc/self/fdinfo/{fd}"))
        {
            if (line.StartsWith("mnt_id:", StringComparison.Ordinal))
            {
                mount = line[7..].Trim();
            }
            else if (line.StartsWith("ino:", StringComparison.Ordinal))
            {
                inode = line[4..].Trim();
            }
        }

        if (mount is null || inode is null)
        {
            return null;
        }

        var modified = File.GetLastWriteTimeUtc(handle).Ticks;
        return string.Create(CultureInfo.InvariantCulture, $"{mount}:{inode}:{modified}:{RandomAccess.GetLength(handle)}");
    }
}
