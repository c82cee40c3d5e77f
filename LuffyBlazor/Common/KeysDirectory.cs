namespace LuffyBlazor.Common;

/// <summary>The repository's <c>keys/</c> folder, where Development secrets are generated (git-ignored).</summary>
public static class KeysDirectory
{
    public const string ConfigKey = "Keys:Directory";

    public static string Resolve(IConfiguration configuration, IHostEnvironment environment) =>
        Path.GetFullPath(Path.Combine(environment.ContentRootPath, configuration[ConfigKey] ?? "../keys"));

    /// <summary>Reads a generated secret, making it on first use. The file is readable by its owner only.</summary>
    public static string GetOrCreateSecret(string directory, string fileName, Func<string> create)
    {
        var path = Path.Combine(directory, fileName);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(directory);
        var value = create();
        WriteSecret(path, value);
        return value;
    }

    public static void WriteSecret(string path, string contents)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, System.Text.Encoding.UTF8, options);
            writer.Write(contents);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; theirs wins and is read back by the caller.
        }
    }
}
