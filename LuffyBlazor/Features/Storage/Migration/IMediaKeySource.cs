namespace LuffyBlazor.Features.Storage.Migration;

/// <summary>
/// Where the media keys the app refers to come from (course covers, teacher avatars, lesson videos): a feature that
/// stores keys implements it, so <see cref="StorageMigration"/> copies them without knowing which tables hold them.
/// </summary>
public interface IMediaKeySource
{
    Task<IReadOnlyCollection<string>> MediaKeysAsync(CancellationToken ct = default);
}
