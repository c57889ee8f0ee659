using System.Buffers.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Postern.Server.State;
using Postern.Sso;
using Postern.Server.Web;

namespace Postern.Server.Sso;

/// <summary>
/// Postern's part in the OpenID Connect handler's flow: the configured redirect URL, the client secret read at
/// the moment the code is redeemed, the claims of the validated ID token and of userinfo kept for the sign-in,
/// and the end of every flow — a web session, or a refusal that is shown, logged and audited.
/// </summary>
internal sealed class SsoEvents(ClusterState cluster, ConnectorSecrets secrets, SsoSignIn signIn, WebSettings settings) : OpenIdConnectEvents
{
    private static readonly object IdTokenClaimsKey = new();
    private static readonly object UserInfoKey = new();

    public override Task RedirectToIdentityProvider(RedirectContext context)
    {
        if (Connector(context.Scheme) is { } connector)
        {
            context.ProtocolMessage.RedirectUri = SsoEndpoints.RedirectUrl(connector, settings);
        }

        return Task.CompletedTask;
    }

    public override Task AuthorizationCodeReceived(AuthorizationCodeReceivedContext context)
    {
        if (Connector(context.Scheme) is not { } connector)
        {
            context.Fail(new SsoRefusedException(new("no_connector", "the connector was removed during the sign-in")));
        }
        else if (!secrets.TryRead(connector, out var secret, out var error))
        {
            context.Fail(new SsoRefusedException(new("client_secret_unreadable", $"Postern cannot read the client secret of connector '{connector.Name}': {error}")));
        }
        else
        {
            context.TokenEndpointRequest!.ClientSecret = secret;
        }

        return Task.CompletedTask;
    }

    public override Task TokenValidated(TokenValidatedContext context)
    {
        // The handler accepts an unsigned ID token from the token endpoint (the TLS channel vouches for it, as the
        // specification allows); Postern insists on a signature, which the handler then checks against the key set.
        var token = context.SecurityToken;
        if (string.IsNullOrEmpty(token.RawSignature))
        {
            context.Fail(new SsoRefusedException(new("unsigned_token", "the identity provider's ID token is not signed")));
            return Task.CompletedTask;
        }

        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(token.RawPayload));
        context.HttpContext.Items[IdTokenClaimsKey] = payload.RootElement.Clone();
        return Task.CompletedTask;
    }

    public override Task UserInformationReceived(UserInformationReceivedContext context)
    {
        context.HttpContext.Items[UserInfoKey] = context.User.RootElement.Clone();
        return Task.CompletedTask;
    }

    public override async Task TicketReceived(TicketReceivedContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        if (Connector(context.Scheme) is not { } connector || http.Items[IdTokenClaimsKey] is not JsonElement idToken)
        {
            await signIn.RefuseAsync(http, ConnectorName(context.Scheme), new("sso_failed", "the sign-in ended without a validated ID token"), null).ConfigureAwait(false);
            return;
        }

        await signIn.CompleteAsync(http, connector, idToken, http.Items[UserInfoKey] as JsonElement?, context.ReturnUri, CommandLineCallback.From(context.Properties?.Items)).ConfigureAwait(false);
    }

    public override async Task RemoteFailure(RemoteFailureContext context)
    {
        context.HandleResponse();
        var connector = Connector(context.Scheme);
        var failure = SsoFailure.From(context.Failure, connector?.IssuerUrl.OriginalString ?? "", connector?.ClientId ?? "");
        await signIn.RefuseAsync(context.HttpContext, ConnectorName(context.Scheme), failure, null, context.Failure).ConfigureAwait(false);
    }

    private OidcConnector? Connector(AuthenticationScheme scheme) => cluster.FindConnector(ConnectorName(scheme));

    private static string ConnectorName(AuthenticationScheme scheme) => ConnectorSchemes.TryGetConnector(scheme.Name, out var name) ? name : scheme.Name;
}
