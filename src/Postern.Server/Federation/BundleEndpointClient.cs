using System.Net;
using System.Net.Http.Headers;

namespace Postern.Server.Federation;

/// <summary>
/// Fetches a foreign bundle endpoint's document: a GET without cookies or redirects (a redirect could lead anywhere,
/// and the trust domain is bound to the configured URL alone), at most <see cref="TrustBundles.SpiffeBundleReader.MaxBytes"/>
/// read, within <see cref="Timeout"/>. Server certificates are checked against the machine's trusted roots.
/// </summary>
internal sealed class BundleEndpointClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = Timeout,
    };

    /// <summary>The document's bytes, or why there are none.</summary>
    public async Task<(byte[]? Document, string? Error)> FetchAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var where = response.Headers.Location is { } location ? $" to {location}; redirects are not followed" : "";
                return (null, $"the bundle endpoint answered {(int)response.StatusCode}{where}");
            }

            var limit = TrustBundles.SpiffeBundleReader.MaxBytes;
            if (response.Content.Headers.ContentLength > limit)
            {
                return (null, $"the bundle endpoint's document is {response.Content.Headers.ContentLength} bytes, over the {limit / 1024} KiB a bundle may take");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[limit + 1];
            var read = 0;
            int got;
            while (read < buffer.Length && (got = await body.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
            {
                read += got;
            }

            return read > limit
                ? (null, $"the bundle endpoint's document is over the {limit / 1024} KiB a bundle may take")
                : (buffer[..read], null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return (null, $"the bundle endpoint could not be read: {e.Message}");
        }
    }

    public void Dispose() => _http.Dispose();
}
