using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace Postern.Server.AppAccess;

/// <summary>
/// The W3C trace context (<c>traceparent</c>, <c>tracestate</c>) an app receives: the client's trace continued with a
/// span id of Postern's (the request's span when spans are recorded, a fresh id otherwise), or a new trace when the
/// client sent none or one that does not parse. The client's own headers never pass through as they are.
/// </summary>
internal static class UpstreamTraceContext
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>The longest <c>tracestate</c> passed on (W3C: 32 members, at least 512 characters kept by every vendor).</summary>
    private const int MaxTraceState = 512;

    public static void Apply(IHeaderDictionary client, HttpRequestHeaders upstream)
    {
        upstream.Remove(TraceParent);
        upstream.Remove(TraceState);

        ActivityTraceId traceId;
        ActivitySpanId parent;
        ActivityTraceFlags flags;
        string? state;
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current)
        {
            // Spans are recorded: ASP.NET Core has already continued the client's trace (or begun one) in this span.
            (traceId, parent, flags, state) = (current.TraceId, current.SpanId, current.ActivityTraceFlags, current.TraceStateString);
        }
        else if (client[TraceParent] is { Count: 1 } sent && ActivityContext.TryParse(sent[0], client[TraceState].Count == 1 ? client[TraceState][0] : null, isRemote: true, out var context))
        {
            (traceId, parent, flags, state) = (context.TraceId, ActivitySpanId.CreateRandom(), context.TraceFlags, context.TraceState);
        }
        else
        {
            (traceId, parent, flags, state) = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, null);
        }

        var sampled = (flags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00";
        upstream.TryAddWithoutValidation(TraceParent, $"00-{traceId.ToHexString()}-{parent.ToHexString()}-{sampled}");
        if (!string.IsNullOrEmpty(state) && state.Length <= MaxTraceState)
        {
            upstream.TryAddWithoutValidation(TraceState, state);
        }
    }
}
