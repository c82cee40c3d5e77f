using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace LuffyBlazor.Load.Circuits;

/// <summary>A reading after a full GC: the managed heap, the working set, and its private part (<see cref="AppUnderTest.PrivateResidentBytes"/>; the working set where /proc is missing).</summary>
public sealed record MemoryReading(long GcHeapBytes, long WorkingSetBytes, long PrivateBytes);

/// <summary>
/// Asks the app for a full garbage collection from outside, as <c>dotnet-gcdump</c> does: an EventPipe session on
/// the app's diagnostics port with the runtime's <c>GCHeapCollect</c> keyword makes the runtime run a blocking gen-2
/// collection, and the runtime's own <c>GCHeapStats</c> event after it gives the heap's size. No endpoint in the app,
/// so it works on the Production build as it is.
/// </summary>
public static class AppMemory
{
    private const long GcKeyword = 0x1, GcHeapCollectKeyword = 0x800000;

    public static async Task<MemoryReading> AfterFullGcAsync(AppUnderTest app)
    {
        var client = new DiagnosticsClient(app.ProcessId);
        var providers = new[] { new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcKeyword | GcHeapCollectKeyword) };
        using var session = await client.StartEventPipeSessionAsync(providers, requestRundown: false, circularBufferMB: 16, CancellationToken.None);
        var heap = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var induced = false;
        using var source = new EventPipeEventSource(session.EventStream);
        source.Clr.GCStart += e => induced |= e.Reason == GCReason.Induced && e.Depth == 2;
        source.Clr.GCHeapStats += e =>
        {
            if (induced)
            {
                heap.TrySetResult(e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4);
            }
        };
        var reading = Task.Run(source.Process);
        var gcHeap = await heap.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await session.StopAsync(CancellationToken.None);
        await reading;

        // Let the runtime hand the freed pages back before the working set is read.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var workingSet = app.WorkingSetBytes;
        return new MemoryReading(gcHeap, workingSet, app.PrivateResidentBytes ?? workingSet);
    }
}
