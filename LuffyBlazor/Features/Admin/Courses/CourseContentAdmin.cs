using LuffyBlazor.Data;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Features.Storage;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Admin.Courses;

public sealed record LessonItem(int Id, int Number, string Title, int DurationSeconds, bool IsFreePreview, string? VideoKey, string? VideoFileName);

public sealed record ChapterItem(int Id, int Number, string Title, string Summary, IReadOnlyList<LessonItem> Lessons);

/// <summary>
/// A course's chapters and lessons: add, edit, reorder, delete, attach a lesson's video. Chapters and lessons are
/// numbered 1, 2, 3... in order and stay so after every change. Each change is an audit entry of the course, and
/// drops the catalogue's cached pages so that learners see it at once.
/// </summary>
public sealed class CourseContentAdmin(IDbContextFactory<LuffyDbContext> dbFactory, IFileStore files, CourseCatalog catalog, AdminAuditLog audit)
{
    public async Task<IReadOnlyList<ChapterItem>> ChaptersAsync(int courseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var chapters = await db.CourseChapters.AsNoTracking().Where(c => c.CourseId == courseId).Include(c => c.Lessons)
            .OrderBy(c => c.Number).ToListAsync(ct);
        return chapters.Select(c => new ChapterItem(c.Id, c.Number, c.Title, c.Summary, c.Lessons.OrderBy(l => l.Number)
            .Select(l => new LessonItem(l.Id, l.Number, l.Title, l.DurationSeconds, l.IsFreePreview, l.VideoKey, l.VideoFileName)).ToList())).ToList();
    }

    public async Task AddChapterAsync(int courseId, ChapterForm form, AdminActor admin)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var number = await db.CourseChapters.Where(c => c.CourseId == courseId).MaxAsync(c => (int?)c.Number) ?? 0;
        db.CourseChapters.Add(new CourseChapter { CourseId = courseId, Number = number + 1, Title = form.Title.Trim(), Summary = form.Summary.Trim() });
        await db.SaveChangesAsync();
        await LogAsync(admin, courseId, $"新增第 {number + 1} 章《{form.Title.Trim()}》");
    }

    public async Task UpdateChapterAsync(int chapterId, ChapterForm form, AdminActor admin)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var chapter = await db.CourseChapters.SingleAsync(c => c.Id == chapterId);
        chapter.Title = form.Title.Trim();
        chapter.Summary = form.Summary.Trim();
        await db.SaveChangesAsync();
        await LogAsync(admin, chapter.CourseId, $"修改第 {chapter.Number} 章《{chapter.Title}》");
    }

    public async Task DeleteChapterAsync(int chapterId, AdminActor admin)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var chapter = await db.CourseChapters.Include(c => c.Lessons).SingleAsync(c => c.Id == chapterId);
        var videos = chapter.Lessons.Select(l => l.VideoKey).ToList();
        db.CourseChapters.Remove(chapter);
        await db.SaveChangesAsync();
        await RenumberChaptersAsync(db, chapter.CourseId);
        foreach (var video in videos)
        {
            await CourseMedia.DeleteUploadedAsync(files, video);
        }

        await LogAsync(admin, chapter.CourseId, $"删除第 {chapter.Number} 章《{chapter.Title}》及其 {videos.Count} 个课时");
    }

    /// <summary>Swaps a chapter with its neighbour above (-1) or below (+1).</summary>
    public async Task MoveChapterAsync(int chapterId, int direction, AdminActor admin)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var chapter = await db.CourseChapters.SingleAsync(c => c.Id == chapterId);
        var neighbour = await db.CourseChapters.SingleOrDefaultAsync(c => c.CourseId == chapter.CourseId && c.Number == chapter.Number + Math.Sign(direction));
        if (neighbour is null)
        {
            return;
        }

        (chapter.Number, neighbour.Number) = (neighbour.Number, chapter.Number);
        await db.SaveChangesAsync();
        await LogAsync(admin, chapter.CourseId, $"《{chapter.Title}》移到第 {chapter.Number} 章");
    }

    public async Task AddLessonAsync(int chapterId, LessonForm form, AdminActor admin)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var chapter = await db.CourseChapters.AsNoTracking().SingleAsync(c => c.Id == chapterId);
        var number = await db.CourseLessons.Where(l => l.ChapterId == chapterId).MaxAsync(l => (int?)l.Number) ?? 0;
        db.CourseLessons.Add(new CourseLesson
        {
            ChapterId = chapterId, Number = number + 1, Title = form.Title.Trim(), DurationSeconds = form.Minutes * 60, IsFreePreview = form.IsFreePreview,
        });
        await db.SaveChangesAsync();
        await LogAsync(admin, chapter.CourseId, $"第 {chapter.Number} 章新增课时《{form.Title.Trim()}》");
    }

    public async Task UpdateLessonAsync(int lessonId, LessonForm form, AdminActor admin)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var lesson = await db.CourseLessons.Include(l => l.Chapter).SingleAsync(l => l.Id == lessonId);
        lesson.Title = form.Title.Trim();
        lesson.DurationSeconds = form.Minutes * 60;
        lesson.IsFreePreview = form.IsFreePreview;
        await db.SaveChangesAsync();
        await LogAsync(admin, lesson.Chapter!.CourseId, $"修改课时《{lesson.Title}》");
    }

    public async Task DeleteLessonAsync(int lessonId, AdminActor admin)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var lesson = await db.CourseLessons.Include(l => l.Chapter).SingleAsync(l => l.Id == lessonId);
        db.CourseLessons.Remove(lesson);
        await db.SaveChangesAsync();
        await RenumberLessonsAsync(db, lesson.ChapterId);
        await CourseMedia.DeleteUploadedAsync(files, lesson.VideoKey);
        await LogAsync(admin, lesson.Chapter!.CourseId, $"删除课时《{lesson.Title}》");
    }

    public async Task MoveLessonAsync(int lessonId, int direction, AdminActor admin)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var lesson = await db.CourseLessons.Include(l => l.Chapter).SingleAsync(l => l.Id == lessonId);
        var neighbour = await db.CourseLessons.SingleOrDefaultAsync(l => l.ChapterId == lesson.ChapterId && l.Number == lesson.Number + Math.Sign(direction));
        if (neighbour is null)
        {
            return;
        }

        (lesson.Number, neighbour.Number) = (neighbour.Number, lesson.Number);
        await db.SaveChangesAsync();
        await LogAsync(admin, lesson.Chapter!.CourseId, $"课时《{lesson.Title}》移到第 {lesson.Number} 节");
    }

    /// <summary>
    /// Attaches an uploaded video (or detaches it with null), with the name of the file the admin chose, which the
    /// back office shows instead of the key; the file it replaces is deleted.
    /// </summary>
    public async Task SetLessonVideoAsync(int lessonId, string? videoKey, string? fileName, AdminActor admin)
    {
        if (videoKey is not null)
        {
            StorageKeys.Require(videoKey);
        }

        await using var db = await dbFactory.CreateDbContextAsync();
        var lesson = await db.CourseLessons.Include(l => l.Chapter).SingleAsync(l => l.Id == lessonId);
        var replaced = lesson.VideoKey;
        lesson.VideoKey = videoKey;
        lesson.VideoFileName = videoKey is null ? null : CourseMedia.DisplayFileName(fileName);
        await db.SaveChangesAsync();
        if (replaced != videoKey)
        {
            await CourseMedia.DeleteUploadedAsync(files, replaced);
        }

        await LogAsync(admin, lesson.Chapter!.CourseId, videoKey is null ? $"移除课时《{lesson.Title}》的视频" : $"上传课时《{lesson.Title}》的视频");
    }

    private static async Task RenumberChaptersAsync(LuffyDbContext db, int courseId)
    {
        var chapters = await db.CourseChapters.Where(c => c.CourseId == courseId).OrderBy(c => c.Number).ToListAsync();
        for (var i = 0; i < chapters.Count; i++)
        {
            chapters[i].Number = i + 1;
        }

        await db.SaveChangesAsync();
    }

    private static async Task RenumberLessonsAsync(LuffyDbContext db, int chapterId)
    {
        var lessons = await db.CourseLessons.Where(l => l.ChapterId == chapterId).OrderBy(l => l.Number).ToListAsync();
        for (var i = 0; i < lessons.Count; i++)
        {
            lessons[i].Number = i + 1;
        }

        await db.SaveChangesAsync();
    }

    private async Task LogAsync(AdminActor admin, int courseId, string what)
    {
        await catalog.InvalidateAsync();
        await audit.WriteAsync(admin, AdminActions.CourseContent, AuditTargets.Course(courseId), null, true, what);
    }
}
