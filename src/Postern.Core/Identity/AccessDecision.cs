namespace Postern.Identity;

/// <summary>Whether access is allowed, and why, naming the role that decided. The default is a refusal.</summary>
public readonly record struct AccessDecision(bool Allowed, string Reason);
