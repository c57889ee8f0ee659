using Microsoft.Extensions.DependencyInjection;
using Postern.Audit;
using Postern.Configuration;
using Postern.Resources;
using Postern.Server.AppAccess;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Server.Users;
using Postern.Server.Web;
using Postern.Server.WorkloadIdentity;
using Postern.Storage;
using Postern.Testing;

namespace Postern.Server.Tests.Admin;

/// <summary>
/// Adding a user with a sign-up link, and a bot with its first join token, is one transaction with its events: a crash
/// at the moment the link or the token is written leaves neither the user or bot nor any event of it.
/// </summary>
public sealed class AuditedAddTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private TestPostern _server = null!;

    public async Task InitializeAsync() => _server = await TestPostern.StartAsync(_dir.Path);

    [Fact]
    public async Task A_user_without_a_password_is_written_with_its_sign_up_link_and_its_event_or_not_at_all()
    {
        var died = Users(new DyingBackend(_server.Host.Store, SessionKeys.SignupPrefix));
        await Assert.ThrowsAsync<IOException>(() => died.AddAsync("nina", ["access"], null, null, false, AuditActor.LocalAdmin("127.0.0.1"), CancellationToken.None));

        Assert.Null(await _server.Host.Store.GetAsync(ResourceJson.StoreKey("user", "nina"), CancellationToken.None));
        Assert.DoesNotContain(await new AdminApi(_server).AuditAsync("user.create"), e => e.GetProperty("user").GetString() == "nina");

        // The same call on a store that lives writes all three.
        var added = await Users(new DyingBackend(_server.Host.Store, "/nothing-is-written-here/")).AddAsync("nina", ["access"], null, null, false, AuditActor.LocalAdmin("127.0.0.1"), CancellationToken.None);
        Assert.NotNull(added.Value?.SignupUrl);
        Assert.NotNull(await _server.Host.Store.GetAsync(ResourceJson.StoreKey("user", "nina"), CancellationToken.None));
        Assert.Single(await _server.Host.Store.RangeAsync(SessionKeys.SignupPrefix, CancellationToken.None));
        Assert.Single(await new AdminApi(_server).AuditAsync("user.create"), e => e.GetProperty("user").GetString() == "nina");
    }

    [Fact]
    public async Task A_bot_is_written_with_its_first_join_token_and_both_events_or_not_at_all()
    {
        var died = Bots(new DyingBackend(_server.Host.Store, JoinTokenRecord.Prefix));
        await Assert.ThrowsAsync<IOException>(() => died.AddAsync("ci", ["access"], null, false, null, AuditActor.LocalAdmin("127.0.0.1"), CancellationToken.None));

        Assert.Null(await _server.Host.Store.GetAsync(ResourceJson.StoreKey(ResourceKinds.Bot, "ci"), CancellationToken.None));
        var admin = new AdminApi(_server);
        Assert.DoesNotContain(await admin.AuditAsync("bot.create"), e => e.GetProperty("bot").GetString() == "ci");

        var added = await Bots(new DyingBackend(_server.Host.Store, "/nothing-is-written-here/")).AddAsync("ci", ["access"], null, false, null, AuditActor.LocalAdmin("127.0.0.1"), CancellationToken.None);
        Assert.NotNull(added.Value?.Token);
        Assert.Single(await _server.Host.Store.RangeAsync(JoinTokenRecord.Prefix, CancellationToken.None));
        Assert.Single(await admin.AuditAsync("bot.create"), e => e.GetProperty("bot").GetString() == "ci");
        Assert.Single(await admin.AuditAsync("bot.join_token.create"), e => e.GetProperty("bot").GetString() == "ci");
    }

    private T Service<T>()
        where T : notnull => _server.Host.Services.GetRequiredService<T>();

    private UserService Users(IBackend store) =>
        new(new UserDirectory(store), Service<ClusterState>(), Service<SessionStore>(), Service<AppSessions>(), store, new AuditedWrites(store, Service<AuditLog>()), Service<WebSettings>(), Service<TimeProvider>());

    private BotRegistry Bots(IBackend store)
    {
        var authority = new BotAuthority(store, Service<ClusterState>(), Service<BotCredentials>(), Service<AuditLog>(), Service<PosternConfig>(), Service<TimeProvider>(), Service<JoinRefusals>());
        return new BotRegistry(store, Service<ClusterState>(), authority, Service<AuditLog>(), new AuditedWrites(store, Service<AuditLog>()));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }
}
