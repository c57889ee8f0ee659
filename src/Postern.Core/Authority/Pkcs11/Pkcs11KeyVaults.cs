using Postern.Configuration;

namespace Postern.Authority.Pkcs11;

/// <summary>
/// The PKCS#11 vaults of the authorities whose configuration names a token. Authorities that name one
/// module share its loaded library, and authorities that name one token share its login and sessions.
/// Disposing closes the sessions and releases the modules.
/// </summary>
internal sealed class Pkcs11KeyVaults : IDisposable
{
    private readonly IReadOnlyCollection<Pkcs11Token> _tokens;
    private readonly IReadOnlyCollection<Pkcs11Module> _modules;
    private int _disposed;

    private Pkcs11KeyVaults(Dictionary<CertAuthorityType, IKeyVault> vaults, IReadOnlyCollection<Pkcs11Token> tokens, IReadOnlyCollection<Pkcs11Module> modules)
    {
        ByAuthority = vaults;
        _tokens = tokens;
        _modules = modules;
    }

    /// <summary>The vault of each authority that has one.</summary>
    public IReadOnlyDictionary<CertAuthorityType, IKeyVault> ByAuthority { get; }

    /// <summary>
    /// Loads the modules, finds the tokens and logs in to them, for every authority with a <c>pkcs11</c>
    /// section; with none, loads nothing.
    /// </summary>
    /// <param name="environment">Reads the PIN from the variable each section names.</param>
    /// <exception cref="KeyEncryptionKeyException">
    /// A module, token or PIN is missing or wrong; the message names every problem found, and the section it is in.
    /// </exception>
    public static Pkcs11KeyVaults Open(AuthoritiesConfig config, Func<string, string?> environment)
    {
        var modules = new Dictionary<string, Pkcs11Module>(StringComparer.Ordinal);
        var tokens = new Dictionary<(string Module, ulong Slot), Pkcs11Token>();
        var vaults = new Dictionary<CertAuthorityType, IKeyVault>();
        var errors = new List<(string Section, string Message)>();
        var opened = new Pkcs11KeyVaults(vaults, tokens.Values, modules.Values);
        try
        {
            foreach (var type in CertAuthorityTypes.All)
            {
                if (config.For(type).Pkcs11 is not { } hsm)
                {
                    continue;
                }

                var section = $"authorities.{type.Name()}.keys.pkcs11";
                var pin = environment(hsm.PinEnv);
                if (string.IsNullOrEmpty(pin))
                {
                    errors.Add((section, $"the environment variable {hsm.PinEnv} (pin_env) is not set; it must hold the token's user PIN"));
                }

                try
                {
                    if (!modules.TryGetValue(hsm.Module, out var module))
                    {
                        module = Pkcs11Module.Load(hsm.Module);
                        modules.Add(hsm.Module, module);
                    }

                    var (slot, info) = Pkcs11Token.Find(module, hsm);
                    if (string.IsNullOrEmpty(pin))
                    {
                        continue;
                    }

                    if (!tokens.TryGetValue((hsm.Module, slot.SlotId), out var token))
                    {
                        token = Pkcs11Token.LogIn(module, slot, info, hsm.PinEnv, pin);
                        tokens.Add((hsm.Module, slot.SlotId), token);
                    }

                    vaults[type] = new Pkcs11KeyVault(token);
                }
                catch (KeyEncryptionKeyException e)
                {
                    errors.Add((section, e.Message));
                }
            }
        }
        catch
        {
            opened.Dispose();
            throw;
        }

        // The audit authority has no section of its own: its key is held where the issuing authorities' keys are, on
        // the workload authority's token (or else the jwt authority's), so that a store copied off the host holds no
        // private key of any authority when an HSM is in use.
        if ((vaults.GetValueOrDefault(CertAuthorityType.Workload) ?? vaults.GetValueOrDefault(CertAuthorityType.Jwt)) is { } issuing)
        {
            vaults[CertAuthorityType.Audit] = issuing;

            // Likewise the X.509 authority without a section of its own.
            vaults.TryAdd(CertAuthorityType.X509, issuing);
        }

        if (errors.Count > 0)
        {
            opened.Dispose();
            throw new KeyEncryptionKeyException(string.Join("; ", errors
                .GroupBy(e => e.Message, StringComparer.Ordinal)
                .Select(g => $"{string.Join(" and ", g.Select(e => e.Section))}: {g.Key}")));
        }

        return opened;
    }

    /// <summary>Closes the sessions and releases the modules; a second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var token in _tokens)
        {
            token.Dispose();
        }

        foreach (var module in _modules)
        {
            module.Dispose();
        }
    }
}
