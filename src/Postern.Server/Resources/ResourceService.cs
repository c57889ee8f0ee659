using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Postern.Audit;
using Postern.Configuration;
using Postern.Identity;
using Postern.Resources;
using Postern.Server.Sso;
using Postern.Server.State;
using Postern.Server.Users;
using Postern.Server.Web;
using Postern.Server.WorkloadIdentity;
using Postern.Storage;

namespace Postern.Server.Resources;

/// <summary>
/// Creating and removing resources from YAML (<c>postern create -f</c>, <c>postern rm</c>): every resource checked
/// before any is written, an app of <c>postern.yaml</c> never replaced, a user keeping its password, and a removal
/// taking with it what belongs to the resource (a user's sessions, a bot's credentials).
/// </summary>
internal sealed class ResourceService(IBackend store, ClusterState cluster, UserDirectory users, BotRegistry bots, ConnectorSecrets secrets, WebSettings settings, AuditedWrites writes)
{
    /// <summary>
    /// Writes every resource of <paramref name="text"/>, each with its <c>resource.create</c> (new) or <c>resource.update</c>
    /// (replaced) event in the same transaction, if <paramref name="may"/> allows the caller <c>create</c> on each new one and
    /// <c>update</c> on each existing one; the value is what was written, as <c>kind/name</c>.
    /// </summary>
    public async Task<ChangeResult<List<string>>> CreateAsync(string text, string source, Func<string, string, AccessDecision> may, AuditActor actor, CancellationToken cancellationToken)
    {
        var parsed = ResourceYaml.Parse(text, source);
        if (parsed.Errors.Count > 0)
        {
            return ChangeResult<List<string>>.Refused(StatusCodes.Status400BadRequest, $"{source} is not valid", parsed.Errors);
        }

        // A connector whose client secret this server cannot read would fail every sign-in, and an app on the web
        // address's host would take it over: refuse them now.
        var unreadable = parsed.Resources.OfType<OidcConnectorResource>()
            .Select(r => secrets.TryRead(r.Connector, out _, out var problem) ? null : $"oidc '{r.Connector.Name}': spec.client_secret: {problem}")
            .OfType<string>()
            .Concat(parsed.Resources.OfType<AppResource>()
                .Select(a => WebAddressOverlap.Problem(a.App.PublicAddr, settings.PublicAddr) is { } overlap ? $"app '{a.App.Name}': spec.public_addr: {overlap}" : null)
                .OfType<string>())
            .ToList();
        if (unreadable.Count > 0)
        {
            return ChangeResult<List<string>>.Refused(StatusCodes.Status400BadRequest, $"{source} is not valid", unreadable);
        }

        var conflicts = parsed.Resources.OfType<AppResource>()
            .Where(a => cluster.FindAppByHost(HostOf(a.App.PublicAddr)) is { } other && other.Name != a.App.Name)
            .Select(a => $"app '{a.App.Name}': public_addr '{a.App.PublicAddr}' is already used by app '{cluster.FindAppByHost(HostOf(a.App.PublicAddr))!.Name}'")
            .Concat(parsed.Resources.OfType<AppResource>().Where(a => cluster.FindApp(a.App.Name)?.FromConfig == true)
                .Select(a => $"app '{a.App.Name}' is defined in postern.yaml and cannot be replaced by a resource"))
            .ToList();
        if (conflicts.Count > 0)
        {
            return ChangeResult<List<string>>.Refused(StatusCodes.Status409Conflict, "some resources conflict with existing ones", conflicts);
        }

        var refused = new List<string>();
        foreach (var resource in parsed.Resources)
        {
            var exists = await store.GetAsync(ResourceJson.StoreKey(resource.Kind, resource.Metadata.Name), cancellationToken).ConfigureAwait(false) is not null;
            var decision = may(AdminRules.OfKind(resource.Kind), exists ? AdminRules.Update : AdminRules.Create);
            if (!decision.Allowed)
            {
                refused.Add($"{resource.Kind} '{resource.Metadata.Name}': {decision.Reason}");
            }
        }

        if (refused.Count > 0)
        {
            return ChangeResult<List<string>>.Refused(StatusCodes.Status403Forbidden, $"{source}: the caller may not write every resource in it; nothing was written", refused);
        }

        var written = new List<string>();
        long revision = 0;
        foreach (var resource in parsed.Resources)
        {
            if (resource is UserResource user)
            {
                // A user created from a file keeps the password and second factor it already has.
                var existing = await users.GetAsync(user.User.Name, cancellationToken).ConfigureAwait(false);
                var merged = existing is { } found
                    ? user.User with
                    {
                        PasswordHash = found.User.PasswordHash,
                        TotpSecret = found.User.TotpSecret,
                        LegacyTotpSecret = found.User.LegacyTotpSecret,
                        RecoveryCodeHashes = found.User.RecoveryCodeHashes,
                        CreatedAt = found.User.CreatedAt,
                        ExternalTraits = found.User.ExternalTraits,
                        Connector = found.User.Connector,
                        ExternalSubject = found.User.ExternalSubject,
                    }
                    : user.User;
                var write = await users.WriteAsync(merged, existing?.Revision ?? Revision.Absent, writes, EventOf(existing is not null), Describe(resource), actor, cancellationToken).ConfigureAwait(false);
                if (!write.Succeeded)
                {
                    return ChangeResult<List<string>>.Refused(StatusCodes.Status409Conflict, $"user '{user.User.Name}' changed while it was written; try again");
                }

                revision = write.Revision;
            }
            else
            {
                var key = ResourceJson.StoreKey(resource.Kind, resource.Metadata.Name);
                WriteResult write;
                do
                {
                    var current = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
                    write = await writes.PutAsync(key, current?.Revision ?? Revision.Absent, ResourceJson.Serialize(resource), null, EventOf(current is not null), Describe(resource), actor, cancellationToken).ConfigureAwait(false);
                }
                while (!write.Succeeded);

                revision = write.Revision;
            }

            written.Add($"{resource.Kind}/{resource.Metadata.Name}");
        }

        await cluster.WaitForRevisionAsync(revision, cancellationToken).ConfigureAwait(false);
        return ChangeResult<List<string>>.Done(written);
    }

    /// <summary>Removes a resource other than a user (<see cref="UserService.RemoveAsync"/> removes those).</summary>
    public async Task<ChangeResult<bool>> RemoveAsync(string kind, string name, AuditActor actor, CancellationToken cancellationToken)
    {
        if (kind == "app" && cluster.FindApp(name)?.FromConfig == true)
        {
            return ChangeResult<bool>.Refused(StatusCodes.Status409Conflict, $"app '{name}' is defined in postern.yaml; remove it there");
        }

        if (kind == ResourceKinds.Bot)
        {
            return await bots.RemoveAsync(name, actor, cancellationToken).ConfigureAwait(false);
        }

        if (!await writes.DeleteAsync(ResourceJson.StoreKey(kind, name), AuditEventTypes.ResourceDelete, new JsonObject { ["kind"] = kind, ["name"] = name }, actor, cancellationToken).ConfigureAwait(false))
        {
            return ChangeResult<bool>.Refused(StatusCodes.Status404NotFound, $"{kind} '{name}' not found");
        }

        await cluster.WaitForRevisionAsync(await store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return ChangeResult<bool>.Done(true);
    }

    private static string EventOf(bool replaced) => replaced ? AuditEventTypes.ResourceUpdate : AuditEventTypes.ResourceCreate;

    /// <summary>The fields of a resource event: its kind and name.</summary>
    private static JsonObject Describe(Resource resource) => new() { ["kind"] = resource.Kind, ["name"] = resource.Metadata.Name };

    private static string HostOf(string publicAddr)
    {
        var colon = publicAddr.LastIndexOf(':');
        return colon < 0 ? publicAddr : publicAddr[..colon];
    }
}
