using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using LuffyBlazor.Features.Courses;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Load;

/// <summary>
/// <c>storage</c>: the app's working set while a large lesson video goes up through the app's resumable endpoint
/// (tus, 8 MB chunks, into the local store) and while <c>storage migrate</c> copies it to an S3 server (multipart,
/// 8 MB parts) — the memory must stay flat, whatever the file's size. The video is made on the fly (a real MP4 header
/// and zeros), the S3 server is the tests' local one (test-support/node, <c>npm ci</c> there first).
/// </summary>
public static class StorageMemory
{
    private const int Chunk = 8 * 1024 * 1024;

    public static async Task<int> RunAsync(string root, long size)
    {
        var admin = ("bench-admin", "bench-admin-pass-123");
        await using var environment = await LoadEnvironment.StartAsync(root, onPostgres: false, instanceCount: 1, concurrency: 4,
            new Dictionary<string, string> { ["Admin:UserName"] = admin.Item1, ["Admin:Email"] = "bench@luffy.test", ["Admin:Password"] = admin.Item2 });
        var app = environment.Instances[0];
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromMinutes(10) };
        var login = await (await http.PostAsJsonAsync("/api/v1/user/login/", new { username = admin.Item1, password = admin.Item2 })).Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new("Bearer", login.GetProperty("data").GetProperty("token").GetString());
        Console.WriteLine($"storage: a {size / 1048576.0:N0} MB lesson video through the app (tus, 8 MB chunks, local store), then storage migrate --to S3");

        // 1. Upload.
        var ticket = (await (await http.PostAsJsonAsync("/api/v1/storage/uploads/ticket/",
            new { file_name = "bench.mp4", size, key_prefix = "videos", @private = true })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data");
        var key = ticket.GetProperty("key").GetString()!;
        var upload = await Sampled(() => app.WorkingSetBytes, async () =>
        {
            var create = new HttpRequestMessage(HttpMethod.Post, ticket.GetProperty("url").GetString());
            create.Headers.Add("Tus-Resumable", "1.0.0");
            create.Headers.Add("Upload-Length", size.ToString(CultureInfo.InvariantCulture));
            create.Headers.Add("X-Upload-Ticket", ticket.GetProperty("token").GetString());
            var created = await http.SendAsync(create);
            if (!created.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"tus creation: {created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            }

            var location = created.Headers.Location!;
            var buffer = new byte[Chunk];
            for (long offset = 0; offset < size; offset += Chunk)
            {
                var length = (int)Math.Min(Chunk, size - offset);
                Array.Clear(buffer);
                if (offset == 0)
                {
                    "\0\0\0\u0018ftypisom"u8.CopyTo(buffer); // the content check wants an MP4's first box
                }

                var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(buffer, 0, length) };
                patch.Content.Headers.ContentType = new("application/offset+octet-stream");
                patch.Headers.Add("Tus-Resumable", "1.0.0");
                patch.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
                (await http.SendAsync(patch)).EnsureSuccessStatusCode();
            }

            (await http.PostAsJsonAsync("/api/v1/storage/uploads/confirm/", new { key, confirm_token = ticket.GetProperty("confirm_token").GetString() }))
                .EnsureSuccessStatusCode();
        });
        Print("upload through the app (tus)", upload, size);

        // 2. Migrate: a lesson refers to the video, so storage migrate copies it (with the catalogue's own media).
        await using (var db = environment.OpenDatabase())
        {
            await db.CourseLessons.Where(l => l.Id == db.CourseLessons.Min(x => x.Id)).ExecuteUpdateAsync(s => s.SetProperty(l => l.VideoKey, key));
        }

        var s3Folder = Path.Combine(environment.Folder, "s3");
        Directory.CreateDirectory(s3Folder);
        using var s3 = Process.Start(new ProcessStartInfo("node")
        {
            ArgumentList = { Path.Combine(root, "test-support", "node", "s3-server.mjs"), s3Folder, "luffy-media" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.Combine(root, "test-support", "node"),
        })!;
        var port = JsonDocument.Parse((await s3.StandardOutput.ReadLineAsync())!).RootElement.GetProperty("port").GetInt32();
        var settings = new Dictionary<string, string>(environment.Settings)
        {
            ["Storage:S3:ServiceUrl"] = $"http://127.0.0.1:{port}",
            ["Storage:S3:Bucket"] = "luffy-media",
            ["Storage:S3:AccessKey"] = "S3RVER",
            ["Storage:S3:SecretKey"] = "S3RVER",
        };
        using var migrate = Process.Start(AppUnderTest.StartInfo(root, settings, "storage", "migrate", "--to", "S3"))!;
        long WorkingSet()
        {
            migrate.Refresh();
            return migrate.HasExited ? 0 : migrate.WorkingSet64;
        }

        // The process copies the catalogue's small files too: "before" is its working set when the file before the
        // video was done, "after" when the video was; the peak is the largest sample in between.
        long before = 0, after = 0, peak = 0;
        var copying = false;
        var watch = new Stopwatch();
        var lines = new List<string>();
        migrate.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(line);
                if (line.Contains(key, StringComparison.Ordinal))
                {
                    (after, copying) = (WorkingSet(), false);
                    watch.Stop();
                }
                else if (line.StartsWith('[') && after == 0)
                {
                    (before, peak, copying) = (WorkingSet(), 0, true);
                    watch.Restart();
                }
            }
        };
        migrate.BeginOutputReadLine();
        var errors = migrate.StandardError.ReadToEndAsync();
        while (!migrate.HasExited)
        {
            await Task.Delay(100);
            lock (lines)
            {
                if (copying)
                {
                    peak = Math.Max(peak, WorkingSet());
                }
            }
        }

        await migrate.WaitForExitAsync();
        s3.StandardInput.Close();
        Console.WriteLine(string.Join('\n', lines.Where(l => l.Contains(key, StringComparison.Ordinal) || l.StartsWith("Done", StringComparison.Ordinal))));
        Console.Error.Write(await errors);
        Print("storage migrate --to S3 (its own process)", new Samples(before, Math.Max(peak, after), after, watch.Elapsed), size);
        return migrate.ExitCode == 0 ? 0 : 1;
    }

    private sealed record Samples(long Before, long Peak, long After, TimeSpan Elapsed);

    /// <summary>Runs the work while sampling a working set every 100 ms: the first sample, the largest, the last non-zero one.</summary>
    private static async Task<Samples> Sampled(Func<long> workingSet, Func<Task> work)
    {
        var before = workingSet();
        long peak = before, last = before;
        var watch = Stopwatch.StartNew();
        var running = work();
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(100));
            var now = workingSet();
            if (now > 0)
            {
                before = before == 0 ? now : before;
                (peak, last) = (Math.Max(peak, now), now);
            }
        }

        await running;
        return new Samples(before, peak, last, watch.Elapsed);
    }

    private static void Print(string what, Samples s, long size) => Console.WriteLine(
        $"\n{what}: {size / 1048576.0:N0} MB in {s.Elapsed.TotalSeconds:N1} s ({size / 1048576.0 / s.Elapsed.TotalSeconds:N0} MB/s); " +
        $"working set before {s.Before / 1048576.0:N0} MB, peak {s.Peak / 1048576.0:N0} MB, after {s.After / 1048576.0:N0} MB " +
        $"(peak − before: {(s.Peak - s.Before) / 1048576.0:N0} MB, {100.0 * (s.Peak - s.Before) / size:N1} % of the file)");
}
