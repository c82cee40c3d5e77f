using LuffyBlazor.Common;

namespace LuffyBlazor.Features.Storage.Uploads;

/// <summary>
/// Every hour, discards chunked uploads past their resume window (<see cref="ChunkedUploads.DiscardAbandonedAsync"/>),
/// so a folder of half-sent videos does not fill the disk. Safe on several instances sharing the folder: discarding an
/// upload twice removes nothing twice.
/// </summary>
public sealed class AbandonedUploadsSweeper(ChunkedUploads uploads, TimeProvider clock, ILogger<AbandonedUploadsSweeper> logger)
    : PeriodicJob(TimeSpan.FromHours(1), clock, logger)
{
    protected override string What => "Sweeping abandoned uploads";

    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        var (discarded, failed) = await uploads.DiscardAbandonedAsync(ct);
        if (discarded > 0 || failed > 0)
        {
            logger.LogInformation("Discarded {Discarded} abandoned uploads; {Failed} could not be discarded and are tried again in {Interval}", discarded, failed, Interval);
        }
    }
}
