using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Postern.Configuration;

namespace Postern.Authority.Pkcs11;

/// <summary>
/// A token in a PKCS#11 module, logged in to as its user, with the sessions that use its keys.
/// </summary>
internal sealed class Pkcs11Token : IDisposable
{
    // Enough for the signing threads of a busy server; an HSM's own limit lowers it.
    private static readonly int DefaultSessions = Math.Clamp(Environment.ProcessorCount * 2, 4, 32);

    private readonly ISlot _slot;
    private readonly ISession _login;
    private readonly Pkcs11SessionPool _sessions;

    private Pkcs11Token(Pkcs11Module module, ISlot slot, ITokenInfo info, ISession login)
    {
        Module = module;
        _slot = slot;
        _login = login;
        Label = info.Label;
        Serial = info.SerialNumber;
        var size = DefaultSessions;
        // 0 is "no limit" and all ones "not known" (CK_EFFECTIVELY_INFINITE, CK_UNAVAILABLE_INFORMATION).
        if (info.MaxSessionCount is > 2 and < uint.MaxValue)
        {
            // One session is the login's; leave one for making keys.
            size = (int)Math.Min((ulong)size, info.MaxSessionCount - 2);
        }

        _sessions = new Pkcs11SessionPool(slot, size);
        RsaPkcs = module.Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS);
        Ecdsa = module.Factories.MechanismFactory.Create(CKM.CKM_ECDSA);
    }

    /// <summary>The module the token is in.</summary>
    public Pkcs11Module Module { get; }

    /// <summary>The token's label.</summary>
    public string Label { get; }

    /// <summary>The token's serial number.</summary>
    public string Serial { get; }

    /// <summary>The slot the token is in.</summary>
    public ulong SlotId => _slot.SlotId;

    /// <summary>The most sessions that sign at once.</summary>
    public int Sessions => _sessions.Size;

    /// <summary><c>CKM_RSA_PKCS</c>: PKCS#1 v1.5 over a DigestInfo the caller builds.</summary>
    public IMechanism RsaPkcs { get; }

    /// <summary><c>CKM_ECDSA</c>: ECDSA over a hash the caller computes; the signature is r || s.</summary>
    public IMechanism Ecdsa { get; }

    /// <summary>Finds the token <paramref name="config"/> names: by slot id, or by label.</summary>
    /// <exception cref="KeyEncryptionKeyException">The module has no such token.</exception>
    public static (ISlot Slot, ITokenInfo Info) Find(Pkcs11Module module, Pkcs11Config config)
    {
        List<(ISlot Slot, ITokenInfo Info)> tokens;
        try
        {
            tokens = [.. module.Library.GetSlotList(SlotsType.WithTokenPresent)
                .Select(slot => (slot, info: slot.GetTokenInfo()))
                .Where(t => t.info.TokenFlags.TokenInitialized)];
        }
        catch (Pkcs11Exception e)
        {
            throw new KeyEncryptionKeyException($"the PKCS#11 module {module.Path} could not list its tokens: {e.RV}");
        }

        var found = config.Slot is { } slotId
            ? tokens.FirstOrDefault(t => t.Slot.SlotId == slotId)
            : tokens.FirstOrDefault(t => t.Info.Label == config.TokenLabel);
        if (found.Slot is not null)
        {
            return found;
        }

        var wanted = config.Slot is { } id ? $"no token in slot {id}" : $"no token labelled '{config.TokenLabel}'";
        var present = tokens.Count == 0
            ? "it has no initialised token"
            : "it has " + string.Join(", ", tokens.Select(t => $"'{t.Info.Label}' in slot {t.Slot.SlotId}"));
        throw new KeyEncryptionKeyException($"the PKCS#11 module {module.Path} has {wanted} ({present})");
    }

    /// <summary>Logs in to the token in <paramref name="slot"/> as its user.</summary>
    /// <param name="pinEnv">The environment variable the PIN came from, for messages; the PIN itself is never in one.</param>
    /// <exception cref="KeyEncryptionKeyException">The PIN is wrong or the token refuses it.</exception>
    public static Pkcs11Token LogIn(Pkcs11Module module, ISlot slot, ITokenInfo info, string pinEnv, string pin)
    {
        ISession? session = null;
        try
        {
            session = slot.OpenSession(SessionType.ReadOnly);
            if (info.TokenFlags.LoginRequired)
            {
                LogIn(session, info.Label, pinEnv, pin);
            }

            var token = new Pkcs11Token(module, slot, info, session);
            session = null;
            return token;
        }
        catch (Pkcs11Exception e)
        {
            throw new KeyEncryptionKeyException($"token '{info.Label}' could not open a session: {e.RV}");
        }
        finally
        {
            session?.Dispose();
        }
    }

    /// <summary>Runs <paramref name="operation"/> on a read-only session of its own.</summary>
    public TResult Run<TState, TResult>(TState state, Func<ISession, TState, TResult> operation) => _sessions.Run(state, operation);

    /// <summary>Runs <paramref name="operation"/> on a new read-write session, as making token objects needs.</summary>
    public TResult RunReadWrite<TResult>(Func<ISession, TResult> operation)
    {
        using var session = _slot.OpenSession(SessionType.ReadWrite);
        return operation(session);
    }

    /// <summary>Signs <paramref name="input"/> with <paramref name="key"/> in the token.</summary>
    /// <exception cref="CryptographicException">The token refused.</exception>
    public byte[] Sign(IObjectHandle key, IMechanism mechanism, byte[] input)
    {
        try
        {
            return _sessions.Run((key, mechanism, input), static (session, s) => session.Sign(s.mechanism, s.key, s.input));
        }
        catch (Pkcs11Exception e)
        {
            throw new CryptographicException($"token '{Label}' could not sign: {e.RV}", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _sessions.Dispose();

        // No C_Logout: the login belongs to the whole process, and another user of this token (a second
        // server in a test process) may still sign. Closing the last session ends it anyway.
        _login.Dispose();
        RsaPkcs.Dispose();
        Ecdsa.Dispose();
    }

    private static void LogIn(ISession session, string label, string pinEnv, string pin)
    {
        try
        {
            session.Login(CKU.CKU_USER, pin);
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Logged in already by another user of the token in this process.
        }
        catch (Pkcs11Exception e)
        {
            throw new KeyEncryptionKeyException(e.RV switch
            {
                CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_LEN_RANGE => $"the PIN in ${pinEnv} is wrong for token '{label}'",
                CKR.CKR_PIN_LOCKED => $"token '{label}' has locked its user PIN after too many wrong ones; its security officer must unlock it",
                CKR.CKR_PIN_EXPIRED => $"the user PIN of token '{label}' has expired; set a new one and put it in ${pinEnv}",
                CKR.CKR_USER_PIN_NOT_INITIALIZED => $"token '{label}' has no user PIN yet; its security officer must set one",
                _ => $"logging in to token '{label}' with the PIN in ${pinEnv} failed: {e.RV}",
            });
        }
    }
}
