using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Postern.Audit;
using Postern.Identity;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Storage;
using Postern.Server.Users;
using Postern.Server.Web;

namespace Postern.Server.WebDoor;

/// <summary>The page behind a one-time sign-up link printed by <c>postern users add</c>: the new user sets a password.</summary>
internal static class SignupEndpoints
{
    public static void MapSignup(this IEndpointRouteBuilder app)
    {
        app.MapGet("/web/signup", ShowAsync);
        app.MapPost("/web/signup", CompleteAsync).DisableAntiforgery();
    }

    private static async Task ShowAsync(HttpContext context, IAntiforgery antiforgery, IBackend store, UserDirectory users, TimeProvider time)
    {
        var token = context.Request.Query["token"].ToString();
        if (await FindAsync(store, users, token, time, context.RequestAborted).ConfigureAwait(false) is not { } signup)
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status404NotFound, "This sign-up link is not valid: it has expired or was already used.", "Sign in", "/web/login").ConfigureAwait(false);
            return;
        }

        await WriteFormAsync(context, antiforgery, token, signup.Record.User, null, StatusCodes.Status200OK).ConfigureAwait(false);
    }

    private static async Task CompleteAsync(HttpContext context, IAntiforgery antiforgery, IBackend store, UserDirectory users, ClusterState cluster, AuditLog audit, TimeProvider time)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "The form has expired or did not come from this page.", null, null).ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var token = form["token"].ToString();
        var password = form["password"].ToString();
        if (await FindAsync(store, users, token, time, context.RequestAborted).ConfigureAwait(false) is not { } signup)
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status404NotFound, "This sign-up link is not valid: it has expired or was already used.", "Sign in", "/web/login").ConfigureAwait(false);
            return;
        }

        var problem = password != form["confirm"].ToString() ? "the two passwords differ" : Passwords.CheckStrength(password);
        if (problem is not null)
        {
            await WriteFormAsync(context, antiforgery, token, signup.Record.User, problem, StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }

        var taken = await store.CompareAndDeleteAsync(signup.Key, signup.Revision, context.RequestAborted).ConfigureAwait(false);
        var found = taken.Succeeded ? await users.GetAsync(signup.Record, context.RequestAborted).ConfigureAwait(false) : null;
        var write = found is { } current
            ? await users.WriteAsync(current.User with { PasswordHash = Passwords.Hash(password) }, current.Revision, context.RequestAborted).ConfigureAwait(false)
            : default;
        if (!write.Succeeded)
        {
            await Pages.WriteProblemAsync(context, StatusCodes.Status409Conflict, "This sign-up link was already used, or the user was changed meanwhile.", "Sign in", "/web/login").ConfigureAwait(false);
            return;
        }

        await audit.AppendAsync(AuditEventTypes.UserPasswordSet, AuditActor.User(signup.Record.User, context.Connection.RemoteIpAddress?.ToString()).Stamp(new JsonObject { ["user"] = signup.Record.User, ["method"] = "signup_link" }), context.RequestAborted).ConfigureAwait(false);
        await cluster.WaitForRevisionAsync(write.Revision, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = "/web/login";
    }

    /// <summary>The live sign-up record of <paramref name="token"/>, when the user it was made for still exists.</summary>
    private static async Task<(string Key, long Revision, SignupToken Record)?> FindAsync(IBackend store, UserDirectory users, string token, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!SessionKeys.IsWellFormed(token))
        {
            return null;
        }

        var key = SessionKeys.SignupPrefix + SessionKeys.Hash(token);
        var item = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return item is not null && StoreJson.TryDeserialize<SignupToken>(item.Value) is { } record && record.Expires > time.GetUtcNow()
            && await users.GetAsync(record, cancellationToken).ConfigureAwait(false) is not null
            ? (key, item.Revision, record)
            : null;
    }

    private static Task WriteFormAsync(HttpContext context, IAntiforgery antiforgery, string token, string user, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var body = $"""
            <h1>Welcome, {Pages.Encode(user)}</h1>
            <p>Choose a password (at least 12 characters).</p>
            {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{Pages.Encode(error)}</p>")}
            <form method="post" action="/web/signup">
              <input type="hidden" name="{Pages.Encode(tokens.FormFieldName)}" value="{Pages.Encode(tokens.RequestToken)}">
              <input type="hidden" name="token" value="{Pages.Encode(token)}">
              <label>Password <input name="password" type="password" autocomplete="new-password" required></label>
              <label>Again <input name="confirm" type="password" autocomplete="new-password" required></label>
              <button type="submit">Set password</button>
            </form>
            """;
        return Pages.WriteAsync(context, status, "Sign up", body);
    }
}
