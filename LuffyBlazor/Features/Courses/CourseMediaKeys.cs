using LuffyBlazor.Data;
using LuffyBlazor.Features.Storage.Migration;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Courses;

/// <summary>The media keys the catalogue refers to: course covers, teacher avatars and lesson videos.</summary>
public sealed class CourseMediaKeys(LuffyDbContext db) : IMediaKeySource
{
    public async Task<IReadOnlyCollection<string>> MediaKeysAsync(CancellationToken ct = default)
    {
        var covers = await db.Courses.AsNoTracking().Where(c => c.Cover != null).Select(c => c.Cover!).ToListAsync(ct);
        var avatars = await db.Teachers.AsNoTracking().Where(t => t.Avatar != null).Select(t => t.Avatar!).ToListAsync(ct);
        var videos = await db.CourseLessons.AsNoTracking().Where(l => l.VideoKey != null).Select(l => l.VideoKey!).ToListAsync(ct);
        return [.. covers, .. avatars, .. videos];
    }
}
