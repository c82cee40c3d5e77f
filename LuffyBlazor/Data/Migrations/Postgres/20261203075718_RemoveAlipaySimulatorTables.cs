using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace LuffyBlazor.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RemoveAlipaySimulatorTables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SimulatorNotifyAttempts");

            migrationBuilder.DropTable(
                name: "SimulatorRefunds");

            migrationBuilder.DropTable(
                name: "SimulatorNotifications");

            migrationBuilder.DropTable(
                name: "SimulatorTrades");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SimulatorTrades",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AppId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    BuyerId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true, collation: "C"),
                    BuyerLogonId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    ClosedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    NotifyCopies = table.Column<int>(type: "integer", nullable: false),
                    NotifyDelay = table.Column<TimeSpan>(type: "interval", nullable: false),
                    NotifyFault = table.Column<int>(type: "integer", nullable: false),
                    NotifyUrl = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true, collation: "C"),
                    OutTradeNo = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    PaidAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ProductCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    RefundedAmount = table.Column<long>(type: "bigint", nullable: false),
                    ReturnUrl = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true, collation: "C"),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    Subject = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    TamperAmount = table.Column<bool>(type: "boolean", nullable: false),
                    TamperSignature = table.Column<bool>(type: "boolean", nullable: false),
                    TimeExpire = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    TotalAmount = table.Column<long>(type: "bigint", nullable: false),
                    TradeNo = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SimulatorTrades", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SimulatorNotifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    ClaimedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Form = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false, collation: "C"),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    NotifyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    NotifyUrl = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false, collation: "C"),
                    State = table.Column<int>(type: "integer", nullable: false),
                    TradeId = table.Column<int>(type: "integer", nullable: false),
                    TradeStatusSent = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SimulatorNotifications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SimulatorNotifications_SimulatorTrades_TradeId",
                        column: x => x.TradeId,
                        principalTable: "SimulatorTrades",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SimulatorRefunds",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    OutRequestNo = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Reason = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true, collation: "C"),
                    RefundedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    TradeId = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SimulatorRefunds", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SimulatorRefunds_SimulatorTrades_TradeId",
                        column: x => x.TradeId,
                        principalTable: "SimulatorTrades",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SimulatorNotifyAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Accepted = table.Column<bool>(type: "boolean", nullable: false),
                    Answer = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true, collation: "C"),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Error = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true, collation: "C"),
                    HttpStatus = table.Column<int>(type: "integer", nullable: true),
                    NotificationId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SimulatorNotifyAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SimulatorNotifyAttempts_SimulatorNotifications_Notification~",
                        column: x => x.NotificationId,
                        principalTable: "SimulatorNotifications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorNotifications_State_NextAttemptAt",
                table: "SimulatorNotifications",
                columns: new[] { "State", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorNotifications_TradeId",
                table: "SimulatorNotifications",
                column: "TradeId");

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorNotifyAttempts_NotificationId",
                table: "SimulatorNotifyAttempts",
                column: "NotificationId");

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorRefunds_TradeId_OutRequestNo",
                table: "SimulatorRefunds",
                columns: new[] { "TradeId", "OutRequestNo" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorTrades_AppId_OutTradeNo",
                table: "SimulatorTrades",
                columns: new[] { "AppId", "OutTradeNo" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorTrades_CreatedAt",
                table: "SimulatorTrades",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorTrades_TradeNo",
                table: "SimulatorTrades",
                column: "TradeNo",
                unique: true);
        }
    }
}
