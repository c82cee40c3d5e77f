using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Features.Storage;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Admin.Courses;

public sealed record CourseRow(
    int Id, string Name, string CategoryName, string TeacherName, decimal Price, int StudentsCount, bool IsOnSale, int SortOrder,
    string? CoverUrl);

public sealed record CourseListFilter(string? Search = null, bool? OnSale = null)
{
    public IEnumerable<KeyValuePair<string, string?>> ToQueryPairs() =>
        [new("q", Search?.Trim()), new("on_sale", OnSale switch { true => "1", false => "0", null => null })];

    /// <summary>Reads the query-string form (<c>q</c>, <c>on_sale=1|0</c>), naming what it leaves out.</summary>
    public static (CourseListFilter Filter, IReadOnlyList<string> Problems) Read(IReadOnlyDictionary<string, string> values)
    {
        var search = values.GetValueOrDefault("q") is { Length: > 0 } q ? q : null;
        return values.GetValueOrDefault("on_sale") switch
        {
            null or "" => (new CourseListFilter(search), []),
            "1" or "true" => (new CourseListFilter(search, OnSale: true), []),
            "0" or "false" => (new CourseListFilter(search, OnSale: false), []),
            _ => (new CourseListFilter(search), ["on_sale 必须是 1（在售）或 0（已下架）"]),
        };
    }
}

/// <summary>The courses grid's sortable columns (a whitelist; <see cref="CourseRow"/> property names).</summary>
public enum CourseSortColumn { SortOrder, Name, Price, StudentsCount }

public sealed record Choice(int Id, string Name);

public sealed record CourseSaveResult(int? CourseId, IReadOnlyList<string> Errors)
{
    public bool Succeeded => CourseId is not null;
}

/// <summary>
/// Creating, editing and taking courses off sale. A course's price is read when an order is placed and copied into
/// its lines (<c>OrderDetail.Price</c>), so changing it here never changes an order that exists. Every change drops
/// the catalogue's cached pages, so the shop shows it at once (on this instance; others within
/// <see cref="CourseCatalog.CacheFor"/>).
/// </summary>
public sealed class CourseAdmin(IDbContextFactory<LuffyDbContext> dbFactory, IFileStore files, CourseCatalog catalog, AdminAuditLog audit)
{
    /// <summary>The gap a new course leaves after the last one, so that others can later be put between them.</summary>
    public const int SortOrderStep = 10;

    public async Task<(IReadOnlyList<CourseRow> Rows, int Total)> PageAsync(
        CourseListFilter filter, CourseSortColumn sort, bool descending, int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var courses = db.Courses.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim().ToLowerInvariant();
            courses = courses.Where(c => c.Name.ToLower().Contains(term));
        }

        if (filter.OnSale is { } onSale)
        {
            courses = courses.Where(c => c.IsOnSale == onSale);
        }

        var total = await courses.CountAsync(ct);
        var ordered = (sort, descending) switch
        {
            (CourseSortColumn.Name, false) => courses.OrderBy(c => c.Name),
            (CourseSortColumn.Name, true) => courses.OrderByDescending(c => c.Name),
            (CourseSortColumn.Price, false) => courses.OrderBy(c => c.Price).ThenBy(c => c.Id),
            (CourseSortColumn.Price, true) => courses.OrderByDescending(c => c.Price).ThenByDescending(c => c.Id),
            (CourseSortColumn.StudentsCount, false) => courses.OrderBy(c => c.StudentsCount).ThenBy(c => c.Id),
            (CourseSortColumn.StudentsCount, true) => courses.OrderByDescending(c => c.StudentsCount).ThenByDescending(c => c.Id),
            (_, true) => courses.OrderByDescending(c => c.SortOrder).ThenByDescending(c => c.Id),
            _ => courses.OrderBy(c => c.SortOrder).ThenBy(c => c.Id),
        };
        var rows = await ordered.Skip(Math.Max(0, page) * pageSize).Take(Math.Clamp(pageSize, 1, 200))
            .Select(c => new { c.Id, c.Name, Category = c.Category!.Name, Teacher = c.Teacher!.Name, c.Price, c.StudentsCount, c.IsOnSale, c.SortOrder, c.Cover })
            .ToListAsync(ct);
        return (rows.Select(r => new CourseRow(r.Id, r.Name, r.Category, r.Teacher, r.Price, r.StudentsCount, r.IsOnSale, r.SortOrder, UrlOf(r.Cover))).ToList(), total);
    }

    public async Task<(IReadOnlyList<Choice> Categories, IReadOnlyList<Choice> Teachers)> ChoicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var categories = await db.CourseCategories.AsNoTracking().OrderBy(c => c.SortOrder).Select(c => new Choice(c.Id, c.Name)).ToListAsync(ct);
        var teachers = await db.Teachers.AsNoTracking().OrderBy(t => t.Id).Select(t => new Choice(t.Id, t.Name)).ToListAsync(ct);
        return (categories, teachers);
    }

    /// <summary>
    /// The form of a course not created yet: off sale (it is put on sale once its chapters and videos are ready)
    /// and placed after every course in the catalogue, where the admin may move it with its sort order.
    /// </summary>
    public async Task<CourseForm> NewFormAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var last = await db.Courses.MaxAsync(c => (int?)c.SortOrder, ct) ?? 0;
        return new CourseForm { IsOnSale = false, SortOrder = Math.Min(last + SortOrderStep, CourseForm.MaxSortOrder) };
    }

    public async Task<CourseForm?> FormAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var course = await db.Courses.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        return course is null ? null : CourseForm.From(course);
    }

    public string? UrlOf(string? key) => StorageKeys.IsValid(key) ? files.GetPublicUrl(key!) : null;

    /// <summary>Creates the course (no <see cref="CourseForm.Id"/>) or updates it, after checking the form again.</summary>
    public async Task<CourseSaveResult> SaveAsync(CourseForm form, AdminActor admin, CancellationToken ct = default)
    {
        var errors = form.Errors().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var name = form.Name.Trim();
        if (await db.Courses.AnyAsync(c => c.Name == name && c.Id != (form.Id ?? 0), ct))
        {
            errors.Add($"已有名为《{name}》的课程");
        }

        if (!await db.CourseCategories.AnyAsync(c => c.Id == form.CategoryId, ct))
        {
            errors.Add("分类不存在");
        }

        if (!await db.Teachers.AnyAsync(t => t.Id == form.TeacherId, ct))
        {
            errors.Add("讲师不存在");
        }

        var course = form.Id is { } id ? await db.Courses.FirstOrDefaultAsync(c => c.Id == id, ct) : new Course { Name = name };
        if (course is null)
        {
            errors.Add("课程不存在");
        }

        if (errors.Count > 0)
        {
            return new CourseSaveResult(null, errors.Distinct().ToList());
        }

        var changes = form.Id is null ? "新建" : Describe(course!, form);
        var replacedCover = course!.Cover != form.Cover ? course.Cover : null;
        course.Name = name;
        course.Brief = form.Brief.Trim();
        course.Description = form.Description.Trim();
        course.Level = form.Level;
        course.Price = form.Price!.Value;
        course.CategoryId = form.CategoryId!.Value;
        course.TeacherId = form.TeacherId!.Value;
        course.SortOrder = form.SortOrder;
        course.IsOnSale = form.IsOnSale;
        course.Cover = form.Cover;
        if (form.Id is null)
        {
            db.Courses.Add(course);
        }

        await db.SaveChangesAsync(ct);
        await catalog.InvalidateAsync(ct);
        await CourseMedia.DeleteUploadedAsync(files, replacedCover);
        await audit.WriteAsync(admin, form.Id is null ? AdminActions.CourseCreate : AdminActions.CourseUpdate, AuditTargets.Course(course.Id),
            null, true, $"《{course.Name}》{changes}", ct);
        return new CourseSaveResult(course.Id, []);
    }

    /// <summary>Puts a course on sale or takes it off (off-sale courses cannot be bought; owners keep learning).</summary>
    public async Task<bool> SetOnSaleAsync(int courseId, bool onSale, string reason, AdminActor admin, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = await db.Courses.Where(c => c.Id == courseId && c.IsOnSale != onSale)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.IsOnSale, onSale), ct);
        await catalog.InvalidateAsync(ct);
        var name = await db.Courses.Where(c => c.Id == courseId).Select(c => c.Name).FirstOrDefaultAsync(ct);
        await audit.WriteAsync(admin, onSale ? AdminActions.CourseOnSale : AdminActions.CourseOffSale, AuditTargets.Course(courseId), reason,
            changed > 0, changed > 0 ? $"《{name}》已{(onSale ? "上架" : "下架")}" : "状态未变化", ct);
        return changed > 0;
    }

    /// <summary>"价格 ¥99.00 → ¥79.00；名称 …": what an update changes, for the audit log.</summary>
    private static string Describe(Course course, CourseForm form)
    {
        var parts = new List<string>();
        if (course.Price != form.Price)
        {
            parts.Add($"价格 {Money.Display(course.Price)} → {Money.Display(form.Price!.Value)}");
        }

        if (course.Name != form.Name.Trim())
        {
            parts.Add($"名称 {course.Name} → {form.Name.Trim()}");
        }

        if (course.IsOnSale != form.IsOnSale)
        {
            parts.Add(form.IsOnSale ? "上架" : "下架");
        }

        if (course.Cover != form.Cover)
        {
            parts.Add("更换封面");
        }

        return parts.Count == 0 ? "已保存" : string.Join("；", parts);
    }
}
