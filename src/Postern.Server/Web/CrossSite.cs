using Microsoft.AspNetCore.Http;

namespace Postern.Server.Web;

/// <summary>Refuses state-changing JSON requests that a browser says come from another site.</summary>
internal static class CrossSite
{
    /// <summary>
    /// Why a state-changing JSON request must be refused as coming from another site: browsers send
    /// <c>Sec-Fetch-Site</c> and <c>Origin</c>; scripts and <c>curl</c> send neither and pass.
    /// </summary>
    public static string? Reason(HttpContext context, WebSettings settings)
    {
        var fetchSite = context.Request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none"))
        {
            return $"refused: the request comes from another site (Sec-Fetch-Site: {fetchSite})";
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !string.Equals(origin, settings.PublicAddr.Text, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return "refused: the request's Origin is not Postern's web address";
        }

        return null;
    }
}
