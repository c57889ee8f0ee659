using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Postern.Audit;
using Postern.Authority;
using Postern.Configuration;
using Postern.Storage;

namespace Postern.Server.Authority;

/// <summary>What an operator asks of a rotation (<c>postern ca rotate</c>).</summary>
/// <param name="Grace">How long each phase lasts; <c>null</c> for the configured or the shortest safe one.</param>
/// <param name="Manual">Each step is taken by hand.</param>
/// <param name="Phase">With <paramref name="Manual"/>: the phase to move to now.</param>
/// <param name="Rollback">Undo the rotation under way.</param>
internal sealed record RotateRequest(TimeSpan? Grace, bool Manual, string? Phase, bool Rollback, AuditActor? Actor = null);

/// <summary>The authority after a step, the phase it left, and advice when the step came early.</summary>
internal sealed record RotationOutcome(CertAuthorityDocument Document, RotationPhase From, string? Warning);

/// <summary>
/// Rotates the authorities' keys: the steps an operator asks for, and, in the background, the steps of
/// automatic rotations once their grace period has passed and the rotations a schedule starts. Every step is
/// a conditional write of the authority's document, together with its audit event, and automatic steps are taken
/// only by the instance that holds the leader lease, so that when several instances run, a step happens once; a
/// server that restarts picks the rotation up where the store says it is.
/// </summary>
internal sealed class AuthorityRotator(
    IBackend store,
    CertAuthorities authorities,
    AuthorityKeyring keyring,
    PosternConfig config,
    AuditLog audit,
    State.ClusterLeader leader,
    TimeProvider time,
    ILogger<AuthorityRotator> logger) : BackgroundService
{
    /// <summary>How often the background loop looks for a step that is due.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan DefaultGrace = TimeSpan.FromMinutes(30);
    private readonly CertAuthorityStore _authorityStore = new(store, time);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The grace period a rotation uses when none is asked for: 30 minutes, or longer when the authority needs it.</summary>
    public TimeSpan DefaultGraceFor(CertAuthorityType type) =>
        config.Authorities.For(type).Rotation?.Grace ?? Max(DefaultGrace, config.MinimumRotationGrace(type).Grace);

    /// <summary>Takes the step an operator asked for.</summary>
    /// <exception cref="RotationException">The step is not allowed now; nothing changed.</exception>
    public async Task<RotationOutcome> RotateAsync(CertAuthorityType type, RotateRequest request, CancellationToken cancellationToken)
    {
        if (request.Rollback && (request.Phase is not null || request.Grace is not null))
        {
            throw new RotationException("--rollback takes no --phase and no --grace");
        }

        if (request.Phase is not null && !request.Manual)
        {
            throw new RotationException("--phase moves a rotation by hand: give --manual with it");
        }

        var target = request.Phase is null ? (RotationPhase?)null : AuthorityRotation.ParsePhase(request.Phase);
        var (minimum, reason) = config.MinimumRotationGrace(type);
        if (request.Grace is { } asked && asked < minimum)
        {
            throw new RotationException($"a grace period of {Durations.Format(asked)} is too short for the {type.Name()} authority (at least {Durations.Format(minimum)}): {reason}");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (document, revision) = await ReadAsync(type, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            string? warning = null;
            CertAuthorityDocument next;
            if (request.Rollback)
            {
                next = AuthorityRotation.Rollback(document, now);
            }
            else if (target is null or RotationPhase.Init && document.Phase == RotationPhase.Standby)
            {
                if (request.Manual && target is null)
                {
                    throw new RotationException("a manual rotation starts with --manual --phase init");
                }

                var key = keyring.Generate(type, config.Authorities.For(type).Algorithm, now);
                next = AuthorityRotation.Start(document, key, request.Manual ? RotationMode.Manual : RotationMode.Auto, request.Grace ?? DefaultGraceFor(type), now);
            }
            else if (target is null)
            {
                throw new RotationException($"a rotation of the {type.Name()} authority is already under way: {AuthorityRotation.Describe(document)}");
            }
            else
            {
                next = AuthorityRotation.Step(document, target.Value, now);
                var rotation = document.Rotation!;
                var advised = Max(rotation.Grace, minimum);
                if (now - rotation.PhaseSince < advised)
                {
                    warning = $"moved to {target.Value.Name()} after {Durations.Format(now - rotation.PhaseSince)} in {document.Phase.Name()}; "
                        + $"the grace period advises {Durations.Format(advised)}: {reason}. Verifiers that cached the key set may reject tokens until they refetch it";
                }
            }

            await CommitAsync(type, document, revision, next, request.Rollback ? "rollback" : request.Manual ? "manual" : "operator", request.Actor, cancellationToken).ConfigureAwait(false);
            return new RotationOutcome(next, document.Phase, warning);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>When the next automatic step of <paramref name="type"/> is due, and what it is; <c>null</c> when none is.</summary>
    public (DateTimeOffset Due, string Step)? NextAutomaticStep(CertAuthorityType type)
    {
        var document = authorities.Get(type).Document;
        if (document.Rotation is { Mode: RotationMode.Auto } rotation)
        {
            return (rotation.GraceEnds, document.NextPhase()!.Value.Name());
        }

        return document.Phase == RotationPhase.Standby && config.Authorities.For(type).Rotation is { } schedule
            ? (SigningKeyCreated(document) + schedule.Every, "init (scheduled)")
            : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var type in CertAuthorityTypes.All)
            {
                // Automatic steps are the leader's; operators' steps may come through any instance.
                if (!leader.IsLeader || NextAutomaticStep(type) is not { } step || time.GetUtcNow() < step.Due)
                {
                    continue;
                }

                try
                {
                    await StepIfDueAsync(type, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.RotationFailed(type.Name(), e);
                }
            }
        }
    }

    // Re-checks against the store (another instance may have taken the step) before taking it.
    private async Task StepIfDueAsync(CertAuthorityType type, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (document, revision) = await ReadAsync(type, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            if (document.Rotation is { Mode: RotationMode.Auto } rotation && now >= rotation.GraceEnds)
            {
                var next = AuthorityRotation.Step(document, document.NextPhase()!.Value, now);
                await CommitAsync(type, document, revision, next, "grace period passed", null, cancellationToken).ConfigureAwait(false);
            }
            else if (document.Phase == RotationPhase.Standby && config.Authorities.For(type).Rotation is { } schedule && now >= SigningKeyCreated(document) + schedule.Every)
            {
                var key = keyring.Generate(type, config.Authorities.For(type).Algorithm, now);
                var next = AuthorityRotation.Start(document, key, RotationMode.Auto, DefaultGraceFor(type), now);
                await CommitAsync(type, document, revision, next, "schedule", null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RotationConflictException)
        {
            // Another instance took the step first; the follower brings its result.
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(CertAuthorityDocument Document, long Revision)> ReadAsync(CertAuthorityType type, CancellationToken cancellationToken) =>
        await _authorityStore.ReadAsync(type, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"the {type.Name()} authority is missing from the store");

    private async Task CommitAsync(CertAuthorityType type, CertAuthorityDocument before, long revision, CertAuthorityDocument after, string cause, AuditActor? actor, CancellationToken cancellationToken)
    {
        // Opened first, so that a document whose keys cannot be opened is never written.
        var opened = CertAuthority.Open(type, after, revision, keyring);
        var rotation = after.Rotation ?? before.Rotation!;
        var (record, _) = audit.Prepare(AuditEventTypes.CaRotated, (actor ?? AuditActor.System).Stamp(new JsonObject
        {
            ["authority"] = type.Name(),
            ["from"] = before.Phase.Name(),
            ["to"] = after.Phase.Name(),
            ["cause"] = cause,
            ["mode"] = rotation.Mode.ToString().ToLowerInvariant(),
            ["rotation_grace"] = Durations.Format(rotation.Grace),
            ["signing_kid"] = after.SigningKid,
            ["old_kid"] = rotation.OldKid,
            ["new_kid"] = rotation.NewKid,
            ["published_kids"] = new JsonArray([.. after.Keys.Select(k => (JsonNode?)JsonValue.Create(k.Kid))]),
        }));

        // The step and its audit event in one transaction: a crash leaves both or neither.
        var result = await store.CompareAndSwapWithAsync(type.StoreKey(), revision, AuthorityJson.Serialize(after), null, [record], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new RotationConflictException($"the {type.Name()} authority changed while this step was being taken (another instance or command); nothing was changed, try again");
        }

        authorities.Set(opened.AtRevision(result.Revision));
        logger.AuthorityRotated(type.Name(), before.Phase.Name(), after.Phase.Name(), cause, after.SigningKid);
    }

    private static DateTimeOffset SigningKeyCreated(CertAuthorityDocument document) =>
        document.Keys.First(k => k.Kid == document.SigningKid).Created;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>The authority changed in the store between the read and the write of a step.</summary>
internal sealed class RotationConflictException(string message) : RotationException(message);
