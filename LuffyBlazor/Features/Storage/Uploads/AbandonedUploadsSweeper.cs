namespace LuffyBlazor.Features.Storage.Uploads;

/// <summary>
/// Every hour, discards chunked uploads past their resume window (<see cref="ChunkedUploads.DiscardAbandonedAsync"/>),
/// so a folder of half-sent videos does not fill the disk. Safe on several instances sharing the folder: discarding an
/// upload twice removes nothing twice.
/// </summary>
public sealed class AbandonedUploadsSweeper(ChunkedUploads uploads, TimeProvider clock, ILogger<AbandonedUploadsSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
                var (discarded, failed) = await uploads.DiscardAbandonedAsync(stoppingToken);
                if (discarded > 0 || failed > 0)
                {
                    logger.LogInformation("Discarded {Discarded} abandoned uploads; {Failed} could not be discarded and are tried again in {Interval}", discarded, failed, Interval);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Sweeping abandoned uploads failed; trying again in {Interval}", Interval);
            }
        }
    }
}
