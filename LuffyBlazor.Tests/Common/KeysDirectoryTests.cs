using LuffyBlazor.Common;

namespace LuffyBlazor.Tests.Common;

public sealed class KeysDirectoryTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "luffy-keys-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Callers_racing_on_first_run_all_end_with_the_secret_on_disk()
    {
        const int callers = 8;
        // The last step (publishing the file) is a window of microseconds: many rounds, so a lost race shows.
        for (var round = 0; round < 200; round++)
        {
            var folder = Path.Combine(directory, round.ToString());
            // Every caller is inside create() (so has seen no file) before any of them writes: the race, every time.
            using var allChecked = new Barrier(callers);

            var secrets = await Task.WhenAll(Enumerable.Range(0, callers).Select(i => Task.Factory.StartNew(
                () => KeysDirectory.GetOrCreateSecret(folder, "secret.txt", () =>
                {
                    allChecked.SignalAndWait();
                    return "secret-of-caller-" + i;
                }),
                TaskCreationOptions.LongRunning)));

            var onDisk = File.ReadAllText(Path.Combine(folder, "secret.txt"));
            Assert.All(secrets, secret => Assert.Equal(onDisk, secret));
            Assert.Single(Directory.GetFiles(folder));
        }
    }

    [Fact]
    public void A_secret_made_once_is_read_back_on_later_calls_without_making_another()
    {
        var first = KeysDirectory.GetOrCreateSecret(directory, "secret.txt", () => "first-secret");

        var second = KeysDirectory.GetOrCreateSecret(directory, "secret.txt", () => throw new InvalidOperationException("must not be made again"));

        Assert.Equal("first-secret", first);
        Assert.Equal(first, second);
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
