using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Postern.Authority.Pkcs11;

/// <summary>
/// A PKCS#11 module (shared library), loaded and initialised once per process however many
/// authorities, tokens or servers use it.
/// </summary>
/// <remarks>
/// <c>C_Initialize</c> and <c>C_Finalize</c> act on the whole process, so two independent handles on
/// one module would finalise it under each other (two servers in one test process, or an authority
/// that outlives another). Hence the one piece of static state here: a count of the users of each
/// loaded module, keyed by its resolved path; the last <see cref="Dispose"/> finalises and unloads it.
/// </remarks>
internal sealed class Pkcs11Module : IDisposable
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Loaded> Modules = new(StringComparer.Ordinal);

    private readonly Loaded _loaded;
    private bool _disposed;

    static Pkcs11Module()
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(IPkcs11Library).Assembly, ResolveLibdl);
        }
        catch (InvalidOperationException)
        {
            // The process set its own resolver for Pkcs11Interop already.
        }
    }

    private Pkcs11Module(string path, Loaded loaded)
    {
        Path = path;
        _loaded = loaded;
    }

    /// <summary>The module's path as configured.</summary>
    public string Path { get; }

    /// <summary>The loaded library.</summary>
    public IPkcs11Library Library => _loaded.Library;

    /// <summary>Makes attributes and mechanisms for this library.</summary>
    public Pkcs11InteropFactories Factories => _loaded.Library.Factories;

    /// <summary>Loads <paramref name="path"/>, or shares the copy already loaded.</summary>
    /// <exception cref="KeyEncryptionKeyException">It does not exist, does not load, or is not a PKCS#11 module.</exception>
    public static Pkcs11Module Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new KeyEncryptionKeyException($"the PKCS#11 module {path} does not exist");
        }

        var key = Resolve(path);
        lock (Gate)
        {
            if (!Modules.TryGetValue(key, out var loaded))
            {
                loaded = new Loaded(key, LoadLibrary(path));
                Modules.Add(key, loaded);
            }

            loaded.Users++;
            return new Pkcs11Module(path, loaded);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (--_loaded.Users == 0)
            {
                Modules.Remove(_loaded.Key);
                _loaded.Library.Dispose();
            }
        }
    }

    private static IPkcs11Library LoadLibrary(string path)
    {
        var factories = new Pkcs11InteropFactories();
        try
        {
            return factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, path, AppType.MultiThreaded);
        }
        catch (UnmanagedException e) when (e.Message.Contains("C_GetFunctionList", StringComparison.Ordinal))
        {
            throw new KeyEncryptionKeyException($"{path} is not a PKCS#11 module: it has no C_GetFunctionList");
        }
        catch (UnmanagedException e)
        {
            throw new KeyEncryptionKeyException($"the PKCS#11 module {path} could not be loaded: {e.Message}");
        }
        catch (Pkcs11Exception e)
        {
            throw new KeyEncryptionKeyException($"the PKCS#11 module {path} refused to initialise: {e.RV}");
        }
    }

    // Pkcs11Interop finds dlopen in "libdl", which current glibc ships only as libdl.so.2 (libdl.so comes with
    // the C development files); dlopen has moved into libc.so.6 itself. Its maintainer's advice is this resolver.
    private static IntPtr ResolveLibdl(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "libdl" || !OperatingSystem.IsLinux())
        {
            return IntPtr.Zero;
        }

        return NativeLibrary.TryLoad("libdl.so.2", out var handle) || NativeLibrary.TryLoad("libc.so.6", out handle) ? handle : IntPtr.Zero;
    }

    // Two paths to one file (a symbolic link) load one library, which must be counted once.
    private static string Resolve(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
    }

    private sealed class Loaded(string key, IPkcs11Library library)
    {
        public string Key { get; } = key;

        public IPkcs11Library Library { get; } = library;

        public int Users { get; set; }
    }
}
