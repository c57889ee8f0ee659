namespace Postern.Authority;

/// <summary>
/// The steps of a key rotation, as changes of an authority's document:
/// <c>standby</c> → <c>init</c> (the new key is published, the old one signs) → <c>update_clients</c> (the new
/// key signs, the old one is still published) → <c>standby</c> (the old key is dropped); and the way back.
/// Each method checks that the step is allowed from the current phase and throws <see cref="RotationException"/>
/// otherwise. The published key set lists the signing key first, so that it changes at every step.
/// </summary>
public static class AuthorityRotation
{
    /// <summary>The names of the phases as the command line and the API spell them.</summary>
    public static IReadOnlyList<string> PhaseNames { get; } = ["standby", "init", "update_clients", "rollback"];

    /// <summary>The name of <paramref name="phase"/>, e.g. <c>update_clients</c>.</summary>
    public static string Name(this RotationPhase phase) => PhaseNames[(int)phase];

    /// <summary>Reads a phase name.</summary>
    /// <exception cref="RotationException">It is not a phase.</exception>
    public static RotationPhase ParsePhase(string name)
    {
        var index = PhaseNames.ToList().IndexOf(name);
        return index >= 0
            ? (RotationPhase)index
            : throw new RotationException($"unknown phase '{name}' (expected one of {string.Join(", ", PhaseNames)})");
    }

    /// <summary>The phase the next forward step leads to, or <c>null</c> when no rotation is under way.</summary>
    public static RotationPhase? NextPhase(this CertAuthorityDocument document) => document.Phase switch
    {
        RotationPhase.Init => RotationPhase.UpdateClients,
        RotationPhase.UpdateClients or RotationPhase.Rollback => RotationPhase.Standby,
        _ => null,
    };

    /// <summary>Starts a rotation to <paramref name="newKey"/>: from <c>standby</c> to <c>init</c>.</summary>
    public static CertAuthorityDocument Start(CertAuthorityDocument document, AuthorityKey newKey, RotationMode mode, TimeSpan grace, DateTimeOffset now)
    {
        if (document.Phase != RotationPhase.Standby)
        {
            throw new RotationException($"a rotation of the {document.Type} authority is already under way: {Describe(document)}");
        }

        var signing = SigningKey(document);
        return document with
        {
            Phase = RotationPhase.Init,
            Keys = [signing, newKey],
            Rotation = new RotationState { Mode = mode, Grace = grace, Started = now, PhaseSince = now, OldKid = signing.Kid, NewKid = newKey.Kid },
        };
    }

    /// <summary>Takes the step to <paramref name="to"/>, which must be the next phase or <c>rollback</c>.</summary>
    public static CertAuthorityDocument Step(CertAuthorityDocument document, RotationPhase to, DateTimeOffset now)
    {
        if (to == RotationPhase.Rollback)
        {
            return Rollback(document, now);
        }

        if (document.Rotation is not { } rotation || document.NextPhase() is not { } next)
        {
            throw new RotationException(to == RotationPhase.Init
                ? $"the {document.Type} authority is in standby: start a rotation to reach init"
                : $"no rotation of the {document.Type} authority is under way (phase standby)");
        }

        if (to != next)
        {
            throw new RotationException($"the {document.Type} authority is in {document.Phase.Name()}: the next phase is {next.Name()}, not {to.Name()}");
        }

        var oldKey = Key(document, rotation.OldKid);
        var newKey = Key(document, rotation.NewKid);
        return (document.Phase, to) switch
        {
            (RotationPhase.Init, RotationPhase.UpdateClients) => document with
            {
                Phase = to,
                SigningKid = newKey.Kid,
                Keys = [newKey, oldKey],
                Rotation = rotation with { PhaseSince = now },
            },
            (RotationPhase.UpdateClients, RotationPhase.Standby) => Finish(document, newKey),
            _ => Finish(document, oldKey),
        };
    }

    /// <summary>
    /// Undoes the rotation under way. From <c>init</c>, where the new key never signed, the authority returns to
    /// <c>standby</c> with the old key at once; from <c>update_clients</c> it goes to <c>rollback</c>: the old key
    /// signs again and the new one stays published until a last step drops it.
    /// </summary>
    public static CertAuthorityDocument Rollback(CertAuthorityDocument document, DateTimeOffset now)
    {
        var rotation = document.Rotation;
        switch (document.Phase)
        {
            case RotationPhase.Init:
                return Finish(document, Key(document, rotation!.OldKid));
            case RotationPhase.UpdateClients:
                var oldKey = Key(document, rotation!.OldKid);
                return document with
                {
                    Phase = RotationPhase.Rollback,
                    SigningKid = oldKey.Kid,
                    Keys = [oldKey, Key(document, rotation.NewKid)],
                    Rotation = rotation with { PhaseSince = now },
                };
            case RotationPhase.Rollback:
                throw new RotationException($"the {document.Type} authority is already rolling back: {Describe(document)}");
            default:
                throw new RotationException($"no rotation of the {document.Type} authority is under way (phase standby): nothing to roll back");
        }
    }

    /// <summary>A sentence about the rotation under way, e.g. <c>phase init since …, next step (update_clients) due at …</c>.</summary>
    public static string Describe(CertAuthorityDocument document) => document.Rotation is not { } rotation
        ? "phase standby"
        : rotation.Mode == RotationMode.Auto
            ? $"phase {document.Phase.Name()} since {rotation.PhaseSince:u}, next step ({document.NextPhase()!.Value.Name()}) due at {rotation.GraceEnds:u}"
            : $"phase {document.Phase.Name()} since {rotation.PhaseSince:u}, a manual rotation (next: --manual --phase {document.NextPhase()!.Value.Name()})";

    private static CertAuthorityDocument Finish(CertAuthorityDocument document, AuthorityKey kept) =>
        document with { Phase = RotationPhase.Standby, SigningKid = kept.Kid, Keys = [kept], Rotation = null };

    private static AuthorityKey SigningKey(CertAuthorityDocument document) => Key(document, document.SigningKid);

    private static AuthorityKey Key(CertAuthorityDocument document, string kid) =>
        document.Keys.FirstOrDefault(k => k.Kid == kid)
        ?? throw new InvalidDataException($"the {document.Type} authority's key {kid} is not among its keys");
}

/// <summary>A rotation step that is not allowed now; the message says why. Nothing was changed.</summary>
public class RotationException(string message) : Exception(message);
