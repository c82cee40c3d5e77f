namespace LuffyBlazor.Tests.Infrastructure;

public static class RepositoryPaths
{
    /// <summary>The repository root: the folder holding LuffyBlazor.sln, found from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LuffyBlazor.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LuffyBlazor.sln not found above " + AppContext.BaseDirectory);
    }
}
