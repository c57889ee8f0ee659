using Postern.Testing;

namespace Postern.Server.Tests.MultiInstance;

/// <summary>
/// A load balancer for an agent: sends each request to the next of <paramref name="servers"/> in turn, and counts the
/// policy polls.
/// </summary>
internal sealed class AlternatingServers(params TestPostern[] servers) : HttpMessageHandler
{
    private int _next;
    private int _policyPolls;

    public int PolicyPolls => Volatile.Read(ref _policyPolls);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var server = servers[(Interlocked.Increment(ref _next) & int.MaxValue) % servers.Length];
        var path = request.RequestUri!.PathAndQuery;
        using var forwarded = new HttpRequestMessage(request.Method, server.BaseUrl + path);
        foreach (var header in request.Headers)
        {
            forwarded.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (request.Content is not null)
        {
            forwarded.Content = new ByteArrayContent(await request.Content.ReadAsByteArrayAsync(cancellationToken));
            foreach (var header in request.Content.Headers)
            {
                forwarded.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        var response = await server.Http.SendAsync(forwarded, cancellationToken);
        if (path.StartsWith("/v1/workload-identity/policy", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _policyPolls);
        }

        return response;
    }
}
