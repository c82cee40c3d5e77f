using LuffyBlazor.Data;
using LuffyBlazor.Features.Storage;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace LuffyBlazor.Features.Courses;

public sealed record CatalogueQuery(string? Search = null, int? CategoryId = null, int Page = 1, int Size = CatalogueQuery.DefaultSize)
{
    public const int DefaultSize = 12;
    public const int MaxSize = 100;

    /// <summary>The highest page number whose offset, (page - 1) × size, fits the database's int at any size.</summary>
    public const int MaxPage = int.MaxValue / MaxSize;

    public static string PageRule => $"page 必须是 1 到 {MaxPage} 之间的整数";

    /// <summary>Reads a <c>page</c> query value: empty means the first page; anything but 1..<see cref="MaxPage"/> is refused.</summary>
    public static bool TryParsePage(string? text, out int page)
    {
        if (string.IsNullOrEmpty(text))
        {
            page = 1;
            return true;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out page)
            && page is >= 1 and <= MaxPage;
    }
}

public sealed record CourseCard(
    int Id, string Name, string Brief, string TeacherName, string CategoryName, CourseLevel Level, decimal Price,
    string? CoverUrl, int StudentsCount);

public sealed record CatalogueResult(IReadOnlyList<CourseCard> Items, int Total, int Page, int Size)
{
    public int PageCount => Total == 0 ? 1 : (Total + Size - 1) / Size;
}

public sealed record CategoryItem(int Id, string Name);

public sealed record LessonView(int Id, int Number, string Title, int DurationSeconds, bool IsFreePreview, bool HasVideo);

public sealed record ChapterView(int Id, int Number, string Title, string Summary, IReadOnlyList<LessonView> Lessons);

public sealed record TeacherView(string Name, string Title, string Brief, string? AvatarUrl);

public sealed record CourseDetails(
    int Id, string Name, string Brief, string Description, CourseLevel Level, decimal Price, string? CoverUrl,
    int StudentsCount, bool IsOnSale, string CategoryName, TeacherView Teacher, IReadOnlyList<ChapterView> Chapters)
{
    public int LessonCount => Chapters.Sum(c => c.Lessons.Count);
    public int TotalSeconds => Chapters.Sum(c => c.Lessons.Sum(l => l.DurationSeconds));
}

/// <summary>
/// Read side of the catalogue, for the pages and the API. Paging, filtering and search run in SQL; a context
/// per call, so it is safe to use from long-lived Blazor circuits. Listings without a search term, categories and
/// course details are cached for <see cref="CacheFor"/> (the hot, bounded set a sale hammers); any change to the
/// catalogue calls <see cref="InvalidateAsync"/>, which also evicts the output-cached pages (<see cref="CatalogueCache"/>).
/// Student counts may lag by up to <see cref="CacheFor"/>.
/// </summary>
public sealed class CourseCatalog(IDbContextFactory<LuffyDbContext> dbFactory, IFileStore files, IMemoryCache cache, IOutputCacheStore pages)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private CancellationTokenSource changed = new();

    /// <summary>
    /// Drops every cached catalogue read and every output-cached catalogue and course page: call after creating,
    /// editing or pricing a course or changing its lessons.
    /// </summary>
    public async Task InvalidateAsync(CancellationToken ct = default)
    {
        var previous = Interlocked.Exchange(ref changed, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
        await pages.EvictByTagAsync(CatalogueCache.Tag, ct);
    }

    public Task<CatalogueResult> SearchAsync(CatalogueQuery query, CancellationToken ct = default) =>
        string.IsNullOrWhiteSpace(query.Search)
            ? CachedAsync(("search", query.CategoryId, query.Page, query.Size), () => SearchUncachedAsync(query, ct))
            : SearchUncachedAsync(query, ct); // free text stays out of the cache, so no input can grow it

    public Task<IReadOnlyList<CategoryItem>> GetCategoriesAsync(CancellationToken ct = default) =>
        CachedAsync("categories", () => GetCategoriesUncachedAsync(ct));

    /// <summary>The course page's data, or null for an unknown id. Off-sale courses are returned (owners still learn).</summary>
    public async Task<CourseDetails?> GetDetailsAsync(int id, CancellationToken ct = default)
    {
        if (cache.TryGetValue(("details", id), out CourseDetails? cached))
        {
            return cached;
        }

        var version = Volatile.Read(ref changed).Token;
        var details = await GetDetailsUncachedAsync(id, ct);
        return details is null ? null : Remember(("details", id), details, version); // unknown ids are not cached
    }

    private async Task<T> CachedAsync<T>(object key, Func<Task<T>> load)
    {
        if (cache.TryGetValue(key, out T? cached))
        {
            return cached!;
        }

        // The version is taken before loading: a change during the load expires this entry at once.
        var version = Volatile.Read(ref changed).Token;
        return Remember(key, await load(), version);
    }

    private T Remember<T>(object key, T value, CancellationToken version) =>
        cache.Set(key, value, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = CacheFor }.AddExpirationToken(new CancellationChangeToken(version)));

    private async Task<CatalogueResult> SearchUncachedAsync(CatalogueQuery query, CancellationToken ct)
    {
        // Callers refuse bad input first (CatalogueQuery.TryParsePage); the clamps keep Skip's offset from overflowing.
        var page = Math.Clamp(query.Page, 1, CatalogueQuery.MaxPage);
        var size = Math.Clamp(query.Size, 1, CatalogueQuery.MaxSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        var courses = db.Courses.AsNoTracking().Where(c => c.IsOnSale);
        if (query.CategoryId is { } categoryId)
        {
            courses = courses.Where(c => c.CategoryId == categoryId);
        }

        var search = query.Search?.Trim();
        if (!string.IsNullOrEmpty(search))
        {
            var term = search.ToLowerInvariant();
            courses = courses.Where(c => c.Name.ToLower().Contains(term));
        }

        var total = await courses.CountAsync(ct);
        var rows = await courses
            .OrderBy(c => c.SortOrder).ThenBy(c => c.Id)
            .Skip((page - 1) * size).Take(size)
            .Select(c => new
            {
                c.Id, c.Name, c.Brief, Teacher = c.Teacher!.Name, Category = c.Category!.Name, c.Level, c.Price, c.Cover,
                c.StudentsCount,
            })
            .ToListAsync(ct);

        var items = rows.Select(r => new CourseCard(
            r.Id, r.Name, r.Brief, r.Teacher, r.Category, r.Level, r.Price, UrlOf(r.Cover), r.StudentsCount)).ToList();
        return new CatalogueResult(items, total, page, size);
    }

    private async Task<IReadOnlyList<CategoryItem>> GetCategoriesUncachedAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CourseCategories.AsNoTracking()
            .OrderBy(c => c.SortOrder).ThenBy(c => c.Id)
            .Select(c => new CategoryItem(c.Id, c.Name))
            .ToListAsync(ct);
    }

    private async Task<CourseDetails?> GetDetailsUncachedAsync(int id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var course = await db.Courses.AsNoTracking()
            .Include(c => c.Teacher).Include(c => c.Category)
            .Include(c => c.Chapters).ThenInclude(ch => ch.Lessons)
            .AsSplitQuery()
            .FirstOrDefaultAsync(c => c.Id == id, ct);
        if (course is null)
        {
            return null;
        }

        var chapters = course.Chapters.OrderBy(ch => ch.Number).Select(ch => new ChapterView(
            ch.Id, ch.Number, ch.Title, ch.Summary,
            ch.Lessons.OrderBy(l => l.Number)
                .Select(l => new LessonView(l.Id, l.Number, l.Title, l.DurationSeconds, l.IsFreePreview, l.VideoKey is not null))
                .ToList())).ToList();
        var teacher = course.Teacher!;
        return new CourseDetails(
            course.Id, course.Name, course.Brief, course.Description, course.Level, course.Price, UrlOf(course.Cover),
            course.StudentsCount, course.IsOnSale, course.Category!.Name,
            new TeacherView(teacher.Name, teacher.Title, teacher.Brief, UrlOf(teacher.Avatar)), chapters);
    }

    private string? UrlOf(string? key) => StorageKeys.IsValid(key) ? files.GetPublicUrl(key!) : null;
}

public static class CourseLevelText
{
    public static string ToChinese(this CourseLevel level) => level switch
    {
        CourseLevel.Beginner => "入门",
        CourseLevel.Intermediate => "进阶",
        CourseLevel.Advanced => "高级",
        _ => level.ToString(),
    };

    public static string FormatDuration(int seconds) =>
        seconds >= 3600 ? $"{seconds / 3600} 小时 {seconds % 3600 / 60} 分钟" : $"{Math.Max(1, seconds / 60)} 分钟";
}
