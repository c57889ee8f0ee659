using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Postern.Audit;
using Postern.Storage;
using Postern.Storage.Sqlite;

namespace Postern.Bench;

/// <summary>
/// The floor under the issuance benchmark: a bare Kestrel endpoint that reads the request body and answers with one
/// signature (RS256, or the algorithm given after the port), with no authentication, policy or audit. What it loses against the raw signing rate is the
/// cost of HTTP and of the load generator on the same cores.
/// </summary>
/// <remarks>
/// Given a folder after the algorithm, each request also records an event as an issuance does, of the same size,
/// through Postern's own <see cref="AuditLog"/> over a SQLite store in that folder, with its journal, and is
/// answered once the event is durable: the floor plus the audit and nothing else of an issuance, which splits what an
/// issuance costs beyond the floor into the audit's part and the request's. With <c>journal-only</c> after the folder,
/// the events are made durable in the journal and not indexed: the durable write's part alone. With <c>bare-fsync</c>,
/// a fixed line is made durable with no log at all (<see cref="BareDurableWrite"/>): the machine's own cost of the
/// promise.
/// </remarks>
internal static class SigningServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        using var signer = new BenchSigner(args.Length > 2 ? args[2] : "RS256");
        var mode = args.Length > 4 ? args[4] : "";
        await using var bare = args.Length > 3 && mode == "bare-fsync" ? new BareDurableWrite(args[3]) : null;
        await using var audit = args.Length > 3 && bare is null ? await AuditOnlyAsync(args[3], journalOnly: mode == "journal-only") : null;
        var input = new byte[420];
        RandomNumberGenerator.Fill(input);
        app.MapPost("/v1/workload-identity/jwt-svids", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var signature = signer.Sign(input);
            if (audit is not null)
                await audit.Log.AppendAsync(AuditEventTypes.JwtSvidIssued, IssuanceFields(), context.RequestAborted);
            if (bare is not null)
                await bare.WriteAsync();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"jwt_svid\":\"" + Convert.ToBase64String(signature) + "\"}");
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// An audit log with its journal over a new SQLite store in <paramref name="folder"/>, as the server keeps one; with
    /// <paramref name="journalOnly"/>, one that indexes nothing (<see cref="JournalOnlyStore"/>).
    /// </summary>
    private static async Task<AuditOnly> AuditOnlyAsync(string folder, bool journalOnly)
    {
        Directory.CreateDirectory(folder);
        var store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = Path.Combine(folder, "postern.db") }, CancellationToken.None);
        IBackend logged = journalOnly ? new JournalOnlyStore(store) : store;
        var log = new AuditLog(logged, TimeProvider.System, new AuditLogOptions { JournalFolder = Path.Combine(folder, AuditJournalBacklog.FolderName) });
        return new AuditOnly(store, log);
    }

    /// <summary>The fields of a <c>jwt_svid.issued</c> event as the issuer writes them, with a new <c>jti</c> (611 bytes in all).</summary>
    private static JsonObject IssuanceFields() => new()
    {
        ["caller"] = "bot/bench",
        ["bot"] = "bench",
        ["audiences"] = new JsonArray("bench"),
        ["attributes"] = new JsonObject
        {
            ["workload.unix.uid"] = 1000,
            ["workload.unix.gid"] = 1000,
            ["workload.unix.pid"] = 1,
            ["workload.unix.exe"] = "/usr/bin/bench",
            ["workload.unix.exe_sha256"] = null,
        },
        ["jti"] = Postern.Server.WorkloadIdentity.SvidTokenId.New(DateTimeOffset.UtcNow), // time first, as issued: the jti index grows at its end
        ["spiffe_id"] = "spiffe://bench.example.com/uid/1000",
        ["workload_identity"] = "by-uid",
        ["ttl"] = "5m",
        ["expires"] = DateTimeOffset.UtcNow.AddMinutes(5).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["kid"] = "tGB3onWsI-WGeLPINlaE3skzOFhmwZNMFXSrV8Bxtpc",
        ["actor"] = new JsonObject { ["kind"] = "bot", ["name"] = "bench" },
        ["client_addr"] = "127.0.0.1",
    };

    private sealed record AuditOnly(IBackend Store, AuditLog Log) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Log.DisposeAsync();
            await Store.DisposeAsync();
        }
    }
}
