using Postern.Identity;

namespace Postern.AppAccess;

/// <summary>One <c>rewrite.headers</c> rule: the header it sets and the template of its value.</summary>
public sealed record HeaderRewriteRule(string Name, TraitTemplate Value);
