using System.Globalization;
using System.Text.Json.Nodes;
using Postern.Configuration;
using Postern.Identity;
using Postern.Sso;
using Postern.WorkloadIdentity;

namespace Postern.Resources;

/// <summary>A resource as a tree of JSON nodes, the shape both the store's JSON and rendered YAML take.</summary>
internal static class ResourceWriter
{
    public static JsonObject ToNode(Resource resource, bool withSecrets)
    {
        var metadata = new JsonObject { ["name"] = resource.Metadata.Name };
        if (resource.Metadata.Labels.Count > 0)
        {
            metadata["labels"] = Map(resource.Metadata.Labels);
        }

        if (resource.Metadata.Description is { } description)
        {
            metadata["description"] = description;
        }

        return new JsonObject
        {
            ["kind"] = resource.Kind,
            ["version"] = "v1",
            ["metadata"] = metadata,
            ["spec"] = resource switch
            {
                RoleResource role => new JsonObject { ["allow"] = Conditions(role.Role.Allow), ["deny"] = Conditions(role.Role.Deny) },
                AppResource app => App(app.App),
                UserResource user => User(user.User, withSecrets),
                WorkloadIdentityResource identity => WorkloadIdentity(identity.Policy),
                BotResource bot => new JsonObject { ["roles"] = List(bot.Roles) },
                OidcConnectorResource oidc => Oidc(oidc.Connector),
                TrustDomainFederationResource federation => Federation(federation.Federation),
                _ => throw new ArgumentException($"no writer for kind '{resource.Kind}'", nameof(resource)),
            },
        };
    }

    private static JsonObject Conditions(RoleConditions conditions)
    {
        var node = new JsonObject();
        if (conditions.AppLabels.Count > 0)
        {
            node["app_labels"] = Selector(conditions.AppLabels);
        }

        if (conditions.Logins.Count > 0)
        {
            node["logins"] = List(conditions.Logins);
        }

        if (conditions.Rules.Count > 0)
        {
            node["rules"] = new JsonArray([.. conditions.Rules.Select(r => new JsonObject { ["resources"] = List(r.Resources), ["verbs"] = List(r.Verbs) })]);
        }

        if (conditions.WorkloadIdentityLabels.Count > 0)
        {
            node["workload_identity_labels"] = Selector(conditions.WorkloadIdentityLabels);
        }

        return node;
    }

    private static JsonObject App(AppConfig app)
    {
        var rewrite = new JsonObject();
        if (app.Rewrite.Headers.Count > 0)
        {
            rewrite["headers"] = List(app.Rewrite.Headers);
        }

        if (JwtClaims(app.Rewrite) is { } jwtClaims)
        {
            rewrite["jwt_claims"] = jwtClaims;
        }

        if (app.Rewrite.Redirect.Count > 0)
        {
            rewrite["redirect"] = List(app.Rewrite.Redirect);
        }

        var spec = new JsonObject { ["uri"] = app.Uri.OriginalString, ["public_addr"] = app.PublicAddr };
        if (rewrite.Count > 0)
        {
            spec["rewrite"] = rewrite;
        }

        if (app.MaxHeaderBytes != AppConfig.DefaultMaxHeaderBytes)
        {
            spec["max_header_bytes"] = app.MaxHeaderBytes;
        }

        if (app.DoctorAllowed)
        {
            spec["doctor"] = new JsonObject { ["allow"] = true };
        }

        if (app.InsecureSkipVerify)
        {
            spec["insecure_skip_verify"] = true;
        }

        if (app.WorkloadAccess is { } workloads)
        {
            spec["workload_access"] = new JsonObject { ["header"] = workloads.Header };
        }

        return spec;
    }

    /// <summary><c>jwt_claims</c> as it was written: absent for the default, the mode alone, or a mapping with the filters.</summary>
    private static JsonNode? JwtClaims(AppRewriteConfig rewrite)
    {
        string? mode = rewrite.JwtClaims switch
        {
            JwtClaimsMode.RolesAndTraits => null,
            JwtClaimsMode.Roles => "roles",
            JwtClaimsMode.Traits => "traits",
            _ => "none",
        };
        var filters = rewrite.ClaimFilters;
        if (filters.IsEmpty)
        {
            return mode is null ? null : JsonValue.Create(mode);
        }

        var node = new JsonObject();
        if (mode is not null)
        {
            node["include"] = mode;
        }

        if (filters.Traits is { } traits)
        {
            node["traits"] = List(traits);
        }

        if (filters.GroupsFilter is { } groups)
        {
            node["groups_filter"] = groups.ToString();
        }

        if (filters.RolesFilter is { } roles)
        {
            node["roles_filter"] = roles.ToString();
        }

        return node;
    }

    private static JsonObject User(User user, bool withSecrets)
    {
        var spec = new JsonObject { ["roles"] = List(user.Roles), ["traits"] = Selector(user.Traits) };
        if (user.RequireTotp)
        {
            spec["require_totp"] = true;
        }

        if (withSecrets)
        {
            spec["password_hash"] = user.PasswordHash;
            spec["totp_secret_sealed"] = user.TotpSecret is { } sealedTotp ? SealedTotpSecret.Format(sealedTotp) : null;
            if (user.LegacyTotpSecret is not null)
            {
                // Only a record read before sealing and written before the server sealed it (see TotpSecretSealing).
                spec["totp_secret"] = user.LegacyTotpSecret;
            }

            if (user.RecoveryCodeHashes.Count > 0)
            {
                spec["recovery_codes"] = List(user.RecoveryCodeHashes);
            }

            spec["created_at"] = user.CreatedAt.ToString("O", CultureInfo.InvariantCulture);
            if (user.Connector is not null)
            {
                spec["connector"] = user.Connector;
                spec["external_traits"] = Selector(user.ExternalTraits);
                if (user.ExternalSubject is { } subject)
                {
                    spec["external_subject"] = new JsonObject { ["issuer"] = subject.Issuer, ["subject"] = subject.Subject };
                }
            }
        }

        return spec;
    }

    private static JsonObject WorkloadIdentity(WorkloadIdentityPolicy policy)
    {
        var spiffe = new JsonObject { ["id"] = policy.SpiffeId.Text };
        if (policy.Hint is { } hint)
        {
            spiffe["hint"] = hint;
        }

        var spec = new JsonObject { ["spiffe"] = spiffe };
        if (policy.DnsSans.Count > 0)
        {
            spec["x509"] = new JsonObject { ["dns_sans"] = List(policy.DnsSans.Select(t => t.Text)) };
        }

        if (policy.Callers != WorkloadCallersText.Default)
        {
            spec["callers"] = List(policy.Callers.Names());
        }

        if (policy.Rules.Count > 0)
        {
            spec["rules"] = new JsonObject
            {
                ["allow"] = new JsonArray([.. policy.Rules.Select(rule => new JsonObject
                {
                    ["conditions"] = new JsonArray([.. rule.Conditions.Select(Condition)]),
                })]),
            };
        }

        return spec;
    }

    private static JsonObject Federation(TrustBundles.TrustDomainFederation federation)
    {
        var node = new JsonObject { ["bundle_endpoint_url"] = federation.BundleEndpoint.OriginalString };
        if (federation.RefreshInterval is { } refresh)
        {
            node["refresh_interval"] = Durations.Format(refresh);
        }

        if (federation.InsecureAllowHttp)
        {
            node["insecure_allow_http"] = true;
        }

        return node;
    }

    private static JsonObject Oidc(OidcConnector connector)
    {
        var spec = new JsonObject
        {
            ["issuer_url"] = connector.IssuerUrl.OriginalString,
            ["client_id"] = connector.ClientId,
            ["client_secret"] = connector.ClientSecret.File is { } file ? new JsonObject { ["file"] = file } : new JsonObject { ["env"] = connector.ClientSecret.EnvironmentVariable },
        };
        if (connector.RedirectUrl is { } redirect)
        {
            spec["redirect_url"] = redirect.OriginalString;
        }

        spec["scopes"] = List(connector.Scopes);
        spec["username_claim"] = connector.UsernameClaim;
        spec["claims_to_roles"] = new JsonArray([.. connector.ClaimsToRoles.Select(m => new JsonObject { ["claim"] = m.Claim, ["value"] = m.Value, ["roles"] = List(m.Roles) })]);
        if (connector.Prompt is { } prompt)
        {
            spec["prompt"] = prompt;
        }

        if (connector.AllowedEmailDomains.Count > 0)
        {
            spec["allowed_email_domains"] = List(connector.AllowedEmailDomains);
        }

        if (!connector.CreateUsers)
        {
            spec["create_users"] = false;
        }

        if (connector.Display is { } display)
        {
            spec["display"] = display;
        }

        if (connector.InsecureAllowHttp)
        {
            spec["insecure_allow_http"] = true;
        }

        return spec;
    }

    private static JsonObject Condition(WorkloadCondition condition) => new()
    {
        ["attribute"] = condition.Attribute,
        [condition.Operator switch
        {
            WorkloadConditionOperator.Equals => "equals",
            WorkloadConditionOperator.In => "in",
            _ => "glob",
        }] = condition.Operator == WorkloadConditionOperator.In ? List(condition.Values) : JsonValue.Create(condition.Values[0]),
    };

    private static JsonArray List(IEnumerable<string> values) => new([.. values.Select(v => JsonValue.Create(v))]);

    private static JsonObject Map(IReadOnlyDictionary<string, string> map) =>
        new(map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));

    private static JsonObject Selector(IReadOnlyDictionary<string, IReadOnlyList<string>> map) =>
        new(map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)List(p.Value))));
}
