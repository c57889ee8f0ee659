using System.Collections.Frozen;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Postern.Verification;

/// <summary>
/// Postern's published key set (JWKS), fetched over HTTP and kept in memory. Keys are looked
/// up by <c>kid</c> without locking; the set is refetched when it goes stale (after the
/// response's <c>Cache-Control: max-age</c>, clamped by the options) and when a token names a
/// <c>kid</c> the set does not hold, at most once per
/// <see cref="JsonWebKeySetCacheOptions.RefreshInterval"/>. Concurrent lookups share one
/// fetch. A failed fetch keeps the last good key set, for at most
/// <see cref="JsonWebKeySetCacheOptions.MaximumStaleness"/> after it went stale; beyond that,
/// tokens are refused (<see cref="TokenRejection.KeySetStale"/>) until a fetch succeeds. A
/// response larger than <see cref="JsonWebKeySetCacheOptions.MaximumResponseSize"/> (counted
/// after decompression) is a failed fetch.
/// </summary>
/// <remarks>Create one per key set and share it: it is safe for concurrent use.</remarks>
public sealed class JsonWebKeySetCache : IKeySource
{
    private readonly HttpClient _httpClient;
    private readonly TimeProvider _timeProvider;
    private readonly JsonWebKeySetCacheOptions _options;
    private readonly ILogger _logger;

    private readonly Lock _gate = new();
    private KeySetSnapshot? _snapshot;
    private string? _lastFailure;                                       // why the last fetch failed; null after a success
    private Task? _refresh;                                             // guarded by _gate
    private DateTimeOffset _retryAfter = DateTimeOffset.MinValue;        // guarded by _gate
    private DateTimeOffset _nextUnknownKeyRefresh = DateTimeOffset.MinValue; // guarded by _gate

    /// <summary>Creates a cache of the key set at <paramref name="keySetUri"/>; nothing is fetched until the first lookup.</summary>
    /// <param name="httpClient">The client that fetches the key set; the caller keeps ownership.</param>
    /// <param name="keySetUri">The absolute <c>http</c> or <c>https</c> address of the JWKS document.</param>
    /// <param name="timeProvider">The clock that decides when the set is stale.</param>
    /// <param name="options">Cache durations and refresh limits; the defaults when null.</param>
    /// <param name="logger">Where fetches and skipped keys are logged.</param>
    /// <exception cref="ArgumentException">The address is not an absolute HTTP(S) address, or the options are not usable.</exception>
    public JsonWebKeySetCache(
        HttpClient httpClient,
        Uri keySetUri,
        TimeProvider timeProvider,
        JsonWebKeySetCacheOptions? options = null,
        ILogger<JsonWebKeySetCache>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(keySetUri);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!keySetUri.IsAbsoluteUri || keySetUri.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException($"The key set address must be an absolute http or https URI; it is '{keySetUri}'.", nameof(keySetUri));
        }

        _options = options ?? new JsonWebKeySetCacheOptions();
        var problems = _options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _httpClient = httpClient;
        _timeProvider = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        KeySetUri = keySetUri;
    }

    /// <summary>The address the key set is fetched from.</summary>
    public Uri KeySetUri { get; }

    string IKeySource.Description => $"the key set at {KeySetUri}";

    ValueTask<KeyLookup> IKeySource.FindAsync(string keyId, CancellationToken cancellationToken) => FindAsync(keyId, cancellationToken);

    /// <summary>
    /// Finds the key named <paramref name="keyId"/>, fetching the key set first when it is
    /// missing, stale, or lacks the key (within the refresh limits).
    /// </summary>
    internal ValueTask<KeyLookup> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        var fresh = snapshot is not null && snapshot.IsFreshAt(_timeProvider.GetUtcNow());
        if (fresh && snapshot!.TryGetKey(keyId, out var key))
        {
            return ValueTask.FromResult(KeyLookup.Found(key));
        }

        return FindAfterRefreshAsync(keyId, unknownKey: fresh, cancellationToken);
    }

    private async ValueTask<KeyLookup> FindAfterRefreshAsync(string keyId, bool unknownKey, CancellationToken cancellationToken)
    {
        // The shared fetch is not cancelled with one caller's request; the caller stops waiting.
        await StartRefresh(unknownKey).WaitAsync(cancellationToken).ConfigureAwait(false);

        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is null)
        {
            return KeyLookup.KeySetUnavailable(Volatile.Read(ref _lastFailure));
        }

        var now = _timeProvider.GetUtcNow();
        if (!snapshot.IsFreshAt(now) && now >= snapshot.ExpiresAt + _options.MaximumStaleness)
        {
            return KeyLookup.KeySetStale(
                $"The key set at {KeySetUri} went stale at {Format(snapshot.ExpiresAt)} and could not be refreshed since "
                + $"({Volatile.Read(ref _lastFailure) ?? "no fetch succeeded"}); a stale key set is trusted for at most {_options.MaximumStaleness}.");
        }

        return snapshot.TryGetKey(keyId, out var key) ? KeyLookup.Found(key) : KeyLookup.UnknownKeyId;
    }

    /// <summary>Joins the fetch under way, starts one if the limits allow, or returns at once.</summary>
    private Task StartRefresh(bool unknownKey)
    {
        lock (_gate)
        {
            if (_refresh is { IsCompleted: false } running)
            {
                return running;
            }

            var now = _timeProvider.GetUtcNow();
            if (now < _retryAfter || (unknownKey && now < _nextUnknownKeyRefresh))
            {
                return Task.CompletedTask;
            }

            if (unknownKey)
            {
                _nextUnknownKeyRefresh = now + _options.RefreshInterval;
            }

            return _refresh = RefreshAsync(now);
        }
    }

    private async Task RefreshAsync(DateTimeOffset startedAt)
    {
        var failure = await FetchAsync().ConfigureAwait(false);
        Volatile.Write(ref _lastFailure, failure);
        lock (_gate)
        {
            _retryAfter = failure is null ? DateTimeOffset.MinValue : startedAt + _options.RefreshInterval;
        }
    }

    /// <summary>Fetches the key set and replaces the snapshot; returns why it failed, or null.</summary>
    private async Task<string?> FetchAsync()
    {
        using var timeout = new CancellationTokenSource(_options.FetchTimeout, _timeProvider);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, KeySetUri);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/jwk-set+json"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                _logger.KeySetFetchRefused(KeySetUri, (int)response.StatusCode, KeysHeld());
                return $"it answered {(int)response.StatusCode}";
            }

            var limit = _options.MaximumResponseSize;
            if (response.Content.Headers.ContentLength is { } declared && declared > limit)
            {
                return TooLarge($"its response declares {declared} bytes (Content-Length); at most {limit} bytes are read");
            }

            if (await ReadAtMostAsync(response.Content, limit, timeout.Token).ConfigureAwait(false) is not { } json)
            {
                return TooLarge($"its response is larger than {limit} bytes");
            }

            var keys = JsonWebKeySetReader.Read(json, KeySetUri.ToString(), _logger).ToFrozenDictionary(k => k.Key.KeyId, k => k.Key, StringComparer.Ordinal);
            var cacheDuration = _options.CacheDurationFor(MaxAge(response.Headers.CacheControl));
            Volatile.Write(ref _snapshot, new KeySetSnapshot(keys, _timeProvider.GetUtcNow() + cacheDuration));
            _logger.KeySetFetched(KeySetUri, keys.Count, cacheDuration);
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or ArgumentException or JsonException)
        {
            _logger.KeySetFetchFailed(KeySetUri, KeysHeld(), e);
            return e is OperationCanceledException ? $"it did not answer within {_options.FetchTimeout}" : e.Message.TrimEnd('.');
        }
    }

    private string TooLarge(string reason)
    {
        _logger.KeySetTooLarge(KeySetUri, reason, KeysHeld());
        return reason;
    }

    /// <summary>
    /// The body as decoded by the client (after any decompression), or null when it is longer
    /// than <paramref name="limit"/> bytes: a chunked or compressed body is counted as it is read.
    /// </summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadAtMostAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var body = new byte[Math.Min(limit + 1, 16 * 1024)];
            var length = 0;
            int read;
            while ((read = await stream.ReadAsync(body.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    return null;
                }

                if (length == body.Length)
                {
                    Array.Resize(ref body, (int)Math.Min((long)body.Length * 2, (long)limit + 1));
                }
            }

            return body.AsMemory(0, length);
        }
    }

    private static TimeSpan? MaxAge(CacheControlHeaderValue? cacheControl) =>
        cacheControl is { NoCache: true } or { NoStore: true } ? TimeSpan.Zero : cacheControl?.MaxAge;

    private int KeysHeld() => Volatile.Read(ref _snapshot)?.Count ?? 0;

    private static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
