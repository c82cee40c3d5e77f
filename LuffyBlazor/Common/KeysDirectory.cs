using System.Runtime.InteropServices;

namespace LuffyBlazor.Common;

/// <summary>The repository's <c>keys/</c> folder, where Development secrets are generated (git-ignored).</summary>
public static class KeysDirectory
{
    public const string ConfigKey = "Keys:Directory";

    public static string Resolve(IConfiguration configuration, IHostEnvironment environment) =>
        Path.GetFullPath(Path.Combine(environment.ContentRootPath, configuration[ConfigKey] ?? "../keys"));

    /// <summary>
    /// Reads a generated secret, making it on first use. The file is readable by its owner only. When processes
    /// race on first run, only one file wins and every caller returns what is on disk, never its own unused value.
    /// </summary>
    public static string GetOrCreateSecret(string directory, string fileName, Func<string> create)
    {
        var path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            WriteSecret(path, create());
        }

        return File.ReadAllText(path).Trim();
    }

    /// <summary>
    /// An RSA-2048 key pair as PKCS#8 and SubjectPublicKeyInfo PEM files, made when missing. The private key file is
    /// the truth: whoever won the race to write it, a missing public file is derived from it.
    /// </summary>
    public static void EnsureRsaPair(string privatePath, string publicPath)
    {
        if (!File.Exists(privatePath))
        {
            using var created = System.Security.Cryptography.RSA.Create(2048);
            WriteSecret(privatePath, created.ExportPkcs8PrivateKeyPem() + "\n");
        }

        if (!File.Exists(publicPath))
        {
            using var key = System.Security.Cryptography.RSA.Create();
            key.ImportFromPem(File.ReadAllText(privatePath));
            WriteSecret(publicPath, key.ExportSubjectPublicKeyInfoPem() + "\n");
        }
    }

    /// <summary>
    /// Writes a secret file readable by its owner only. Written beside the target and moved into place without
    /// overwriting, so a process starting at the same moment never reads half a key, and the first writer wins.
    /// </summary>
    public static void WriteSecret(string path, string contents)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var writer = new StreamWriter(temp, new System.Text.UTF8Encoding(false), options))
            {
                writer.Write(contents);
            }

            MoveIntoPlaceUnlessTaken(temp, path); // if another process created it first, theirs wins
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Atomically publishes <paramref name="temp"/> as <paramref name="path"/> unless the path exists. Not
    /// <c>File.Move(overwrite: false)</c> on Unix: .NET checks for the target and then renames, so two racing first
    /// runs can both "win" and the second replaces a key the first has already read. <c>link(2)</c> fails with EEXIST
    /// instead, in one step (what Windows' MoveFileEx without REPLACE_EXISTING does too).
    /// </summary>
    private static void MoveIntoPlaceUnlessTaken(string temp, string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            if (Link(temp, path) == 0 || Marshal.GetLastPInvokeError() == ErrorAlreadyExists)
            {
                return; // published (the caller deletes the temp name), or someone else's key is there
            }

            // A file system without hard links (e.g. FAT): the check-then-rename below is the best it offers.
        }

        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
        }
    }

    private const int ErrorAlreadyExists = 17; // EEXIST on Linux and macOS

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existingPath, string newPath);
}
