namespace LuffyBlazor.Common;

public static class Roles
{
    public const string Admin = "Admin";
}

public static class Policies
{
    /// <summary>REST API callers: a JWT bearer token or the site's cookie.</summary>
    public const string ApiUser = "ApiUser";
    public const string Admin = "Admin";
    public const string AdminApi = "AdminApi";
}
