using Postern.AppAccess;
using Postern.Configuration;
using Postern.Identity;

namespace Postern.Core.Tests.AppAccess;

/// <summary>What an app's assertion keeps of a user's roles and traits under <c>rewrite.jwt_claims</c> filters.</summary>
public sealed class AssertionClaimsTests
{
    private static readonly User Sso = new()
    {
        Name = "gina",
        Roles = ["dev-apps", "prod-apps"],
        Connector = "op",
        ExternalTraits = new Dictionary<string, IReadOnlyList<string>>
        {
            ["groups"] = ["devs", "team-web", "team-ops"],
            ["email"] = ["gina@example.com"],
            ["name"] = ["Gina"],
        },
        Traits = new Dictionary<string, IReadOnlyList<string>> { ["logins"] = ["root"] },
    };

    [Fact]
    public void Without_filters_the_mode_alone_decides_and_a_connectors_user_carries_the_providers_traits()
    {
        var all = AssertionClaims.For(Sso, new AppRewriteConfig());
        var roles = AssertionClaims.For(Sso, new AppRewriteConfig { JwtClaims = JwtClaimsMode.Roles });

        Assert.Equal(Sso.Roles, all.Roles);
        Assert.Same(Sso.ExternalTraits, all.Traits);
        Assert.Null(roles.Traits);
    }

    [Fact]
    public void The_filters_keep_the_named_traits_the_matching_groups_and_the_matching_roles()
    {
        var rewrite = new AppRewriteConfig
        {
            ClaimFilters = new AssertionClaimFilters
            {
                Traits = ["groups", "email"],
                GroupsFilter = AssertionClaimFilters.TryCompile("^team-", out _),
                RolesFilter = AssertionClaimFilters.TryCompile("^dev", out _),
            },
        };

        var claims = AssertionClaims.For(Sso, rewrite);

        Assert.Equal(["dev-apps"], claims.Roles);
        Assert.Equal(["email", "groups"], claims.Traits!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["team-web", "team-ops"], claims.Traits["groups"]);
        Assert.Equal(["gina@example.com"], claims.Traits["email"]);
    }

    [Fact]
    public void A_value_whose_filter_runs_out_of_time_is_left_out_and_the_others_are_kept()
    {
        var slow = new string('a', 40) + "!";
        var user = Sso with { ExternalTraits = new Dictionary<string, IReadOnlyList<string>> { ["groups"] = ["team-web", slow] } };
        var rewrite = new AppRewriteConfig { ClaimFilters = new AssertionClaimFilters { GroupsFilter = AssertionClaimFilters.TryCompile("^(a+)+$|^team-", out _) } };

        var claims = AssertionClaims.For(user, rewrite);

        Assert.Equal(["team-web"], claims.Traits!["groups"]);
    }

    [Fact]
    public void A_pattern_that_does_not_compile_is_refused_with_the_reason()
    {
        Assert.Null(AssertionClaimFilters.TryCompile("[team", out var error));
        Assert.StartsWith("'[team' is not a valid regular expression: ", error, StringComparison.Ordinal);
    }
}
