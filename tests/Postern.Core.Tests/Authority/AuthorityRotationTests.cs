using Postern.Authority;

namespace Postern.Core.Tests.Authority;

public sealed class AuthorityRotationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly KeyEncryptionKey Kek = KeyEncryptionKey.Generate();
    private static readonly AuthorityKey Old = AuthorityKeys.Generate(CertAuthorityType.Workload, SigningAlgorithm.RS256, Kek, T0);
    private static readonly AuthorityKey New = AuthorityKeys.Generate(CertAuthorityType.Workload, SigningAlgorithm.ES256, Kek, T0);
    private static readonly CertAuthorityDocument Standby = new() { Type = "workload", SigningKid = Old.Kid, Keys = [Old] };

    private static CertAuthorityDocument Init => AuthorityRotation.Start(Standby, New, RotationMode.Auto, TimeSpan.FromMinutes(30), T0);

    [Fact]
    public void A_rotation_publishes_the_new_key_then_signs_with_it_then_drops_the_old_one()
    {
        var init = Init;
        Assert.Equal((RotationPhase.Init, Old.Kid), (init.Phase, init.SigningKid));
        Assert.Equal([Old.Kid, New.Kid], init.Keys.Select(k => k.Kid));
        Assert.Equal(T0 + TimeSpan.FromMinutes(30), init.Rotation!.GraceEnds);

        var update = AuthorityRotation.Step(init, RotationPhase.UpdateClients, T0.AddMinutes(31));
        Assert.Equal((RotationPhase.UpdateClients, New.Kid), (update.Phase, update.SigningKid));
        Assert.Equal([New.Kid, Old.Kid], update.Keys.Select(k => k.Kid));
        Assert.Equal(T0.AddMinutes(31), update.Rotation!.PhaseSince);

        var done = AuthorityRotation.Step(update, RotationPhase.Standby, T0.AddMinutes(62));
        Assert.Equal((RotationPhase.Standby, New.Kid, (RotationState?)null), (done.Phase, done.SigningKid, done.Rotation));
        Assert.Equal([New.Kid], done.Keys.Select(k => k.Kid));
    }

    [Fact]
    public void A_rollback_from_init_drops_the_new_key_at_once_and_from_update_clients_keeps_it_published_until_the_last_step()
    {
        var fromInit = AuthorityRotation.Rollback(Init, T0);
        Assert.Equal((RotationPhase.Standby, Old.Kid), (fromInit.Phase, fromInit.SigningKid));
        Assert.Equal([Old.Kid], fromInit.Keys.Select(k => k.Kid));

        var update = AuthorityRotation.Step(Init, RotationPhase.UpdateClients, T0);
        var rollback = AuthorityRotation.Step(update, RotationPhase.Rollback, T0.AddMinutes(1));
        Assert.Equal((RotationPhase.Rollback, Old.Kid), (rollback.Phase, rollback.SigningKid));
        Assert.Equal([Old.Kid, New.Kid], rollback.Keys.Select(k => k.Kid));
        Assert.Equal(RotationPhase.Standby, rollback.NextPhase());

        var done = AuthorityRotation.Step(rollback, RotationPhase.Standby, T0.AddMinutes(40));
        Assert.Equal([Old.Kid], done.Keys.Select(k => k.Kid));
        Assert.Equal(Old.Kid, done.SigningKid);
    }

    [Fact]
    public void A_step_that_is_not_allowed_now_says_why()
    {
        Assert.Equal("a rotation of the workload authority is already under way: phase init since 2026-11-23 12:00:00Z, next step (update_clients) due at 2026-11-23 12:30:00Z",
            Assert.Throws<RotationException>(() => AuthorityRotation.Start(Init, New, RotationMode.Auto, TimeSpan.FromMinutes(30), T0)).Message);
        Assert.Equal("the workload authority is in init: the next phase is update_clients, not standby",
            Assert.Throws<RotationException>(() => AuthorityRotation.Step(Init, RotationPhase.Standby, T0)).Message);
        Assert.Equal("no rotation of the workload authority is under way (phase standby)",
            Assert.Throws<RotationException>(() => AuthorityRotation.Step(Standby, RotationPhase.UpdateClients, T0)).Message);
        Assert.Equal("no rotation of the workload authority is under way (phase standby): nothing to roll back",
            Assert.Throws<RotationException>(() => AuthorityRotation.Rollback(Standby, T0)).Message);
        var rollback = AuthorityRotation.Rollback(AuthorityRotation.Step(Init, RotationPhase.UpdateClients, T0), T0);
        Assert.StartsWith("the workload authority is already rolling back",
            Assert.Throws<RotationException>(() => AuthorityRotation.Rollback(rollback, T0)).Message, StringComparison.Ordinal);
        Assert.Equal("unknown phase 'done' (expected one of standby, init, update_clients, rollback)",
            Assert.Throws<RotationException>(() => AuthorityRotation.ParsePhase("done")).Message);
    }

    [Fact]
    public void The_stored_document_keeps_the_rotation_and_phase_names_as_the_command_line_spells_them()
    {
        var update = AuthorityRotation.Step(Init, RotationPhase.UpdateClients, T0);
        var json = AuthorityJson.Serialize(update);

        Assert.Contains("\"phase\":\"update_clients\"", System.Text.Encoding.UTF8.GetString(json), StringComparison.Ordinal);
        var read = AuthorityJson.Deserialize(json, CertAuthorityType.Workload);
        Assert.Equal(update.Rotation, read.Rotation);
        Assert.Equal(update.Keys.Select(k => k.Kid), read.Keys.Select(k => k.Kid));
    }
}
