using Postern.Configuration;
using Postern.TrustBundles;
using Postern.WorkloadIdentity;
using YamlDotNet.RepresentationModel;

namespace Postern.Resources;

/// <summary>Reads a <c>trust_domain_federation</c>, reporting every problem with its path.</summary>
internal static class TrustDomainFederationReader
{
    private static readonly string[] SpecFields = ["bundle_endpoint_url", "refresh_interval", "insecure_allow_http"];

    public static TrustDomainFederationResource? Read(YamlCursor c, ResourceMetadata? metadata, YamlNode? specNode)
    {
        if (metadata is not null && SpiffeId.CheckTrustDomain(metadata.Name) is { } badName)
        {
            c.Error("metadata.name", $"the name is the foreign trust domain's: {badName}");
        }

        var spec = c.Mapping(specNode, "spec", SpecFields);
        if (spec is null)
        {
            c.Error("spec", "required: bundle_endpoint_url");
            return null;
        }

        var insecure = c.Bool(spec, "insecure_allow_http", "spec") ?? false;
        Uri? endpoint = null;
        if (c.String(spec, "bundle_endpoint_url", "spec") is not { } text)
        {
            c.Error("spec.bundle_endpoint_url", "required: the foreign trust domain's SPIFFE bundle endpoint, e.g. https://partner.example/workload-identity/bundle");
        }
        else if (!Uri.TryCreate(text, UriKind.Absolute, out endpoint))
        {
            c.Error("spec.bundle_endpoint_url", $"'{text}' is not an absolute https:// URL");
        }
        else if (TrustDomainFederation.EndpointProblem(endpoint, insecure) is { } problem)
        {
            c.Error("spec.bundle_endpoint_url", problem);
            endpoint = null;
        }

        TimeSpan? refresh = null;
        if (c.String(spec, "refresh_interval", "spec") is { } refreshText)
        {
            if (!Durations.TryParse(refreshText, out var value, out var reason))
            {
                c.Error("spec.refresh_interval", reason);
            }
            else if (value < TrustDomainFederation.MinRefresh || value > TrustDomainFederation.MaxRefresh)
            {
                c.Error("spec.refresh_interval", $"must be between {Durations.Format(TrustDomainFederation.MinRefresh)} and {Durations.Format(TrustDomainFederation.MaxRefresh)}");
            }
            else
            {
                refresh = value;
            }
        }

        return metadata is null || endpoint is null ? null : new TrustDomainFederationResource
        {
            Metadata = metadata,
            Federation = new TrustDomainFederation { TrustDomain = metadata.Name, BundleEndpoint = endpoint, RefreshInterval = refresh, InsecureAllowHttp = insecure },
        };
    }
}
