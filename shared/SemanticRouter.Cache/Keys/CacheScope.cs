namespace SemanticRouter.Cache.Keys;

/// <summary>Who may share an entry. The tenant is always part of the key; <c>user</c> narrows it further.</summary>
public enum CacheScope
{
    /// <summary>Users of one tenant share answers (FAQ-style traffic).</summary>
    Tenant,

    /// <summary>Only the same user of the same tenant gets an answer back (personal assistants).</summary>
    User,
}
