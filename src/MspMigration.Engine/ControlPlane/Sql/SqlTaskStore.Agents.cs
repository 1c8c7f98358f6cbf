namespace MspMigration.Engine.ControlPlane.Sql;

/// <summary>Agents: heartbeats that keep leases alive, clean release, and who does what.</summary>
public abstract partial class SqlTaskStore
{
    public Task HeartbeatAsync(AgentRegistration agent, TimeSpan leaseDuration, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        await s.ExecAsync("""
            INSERT INTO agents(name, address, host, pid, started_at, last_heartbeat, stopped, objects_per_second, bytes_per_second, boot_id, process_start)
            VALUES(@n, @a, @h, @p, @s, {now}, 0, @ops, @bps, @boot, @ps)
            ON CONFLICT(name) DO UPDATE SET address = excluded.address, host = excluded.host, pid = excluded.pid,
                started_at = excluded.started_at, last_heartbeat = excluded.last_heartbeat, stopped = 0,
                objects_per_second = excluded.objects_per_second, bytes_per_second = excluded.bytes_per_second,
                boot_id = excluded.boot_id, process_start = excluded.process_start
            """, cancellationToken, ("@n", agent.Name), ("@a", agent.Address), ("@h", agent.HostName), ("@p", agent.ProcessId),
            ("@s", agent.StartedAt.ToUnixTimeMilliseconds()), ("@ops", agent.ObjectsPerSecond), ("@bps", agent.BytesPerSecond),
            ("@boot", agent.BootId), ("@ps", agent.ProcessStart)).ConfigureAwait(false);
        var lease = (long)leaseDuration.TotalMilliseconds;
        await s.ExecAsync("UPDATE segments SET lease_until = {now} + @l WHERE state = {segment.Leased} AND owner = @n",
            cancellationToken, ("@l", lease), ("@n", agent.Name)).ConfigureAwait(false);
        await s.ExecAsync("UPDATE tasks SET listing_lease_until = {now} + @l WHERE listing_owner = @n AND listing_done = 0",
            cancellationToken, ("@l", lease), ("@n", agent.Name)).ConfigureAwait(false);
    }, cancellationToken);

    public Task ReleaseAgentAsync(string agentName, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        await s.ExecAsync("UPDATE segments SET state = {segment.Pending}, owner = NULL, lease_until = NULL WHERE state = {segment.Leased} AND owner = @n",
            cancellationToken, ("@n", agentName)).ConfigureAwait(false);
        await s.ExecAsync("UPDATE tasks SET listing_owner = NULL, listing_lease_until = NULL WHERE listing_owner = @n",
            cancellationToken, ("@n", agentName)).ConfigureAwait(false);
        await s.ExecAsync("UPDATE agents SET stopped = 1, objects_per_second = 0, bytes_per_second = 0 WHERE name = @n",
            cancellationToken, ("@n", agentName)).ConfigureAwait(false);
    }, cancellationToken);

    public Task<int> ReleaseSegmentsNotWorkedOnAsync(string agentName, IReadOnlyCollection<long> working, CancellationToken cancellationToken) => WriteAsync(async s =>
    {
        // A handful of ids at most (the segments in flight): one parameter each.
        var args = working.Select((id, i) => ($"@w{i}", (object?)id)).Prepend(("@n", agentName)).ToArray();
        var except = working.Count == 0 ? "" : $" AND id NOT IN ({string.Join(", ", args.Skip(1).Select(a => a.Item1))})";
        return await s.ExecAsync($"UPDATE segments SET state = {{segment.Pending}}, owner = NULL, lease_until = NULL WHERE state = {{segment.Leased}} AND owner = @n{except}",
            cancellationToken, args).ConfigureAwait(false);
    }, cancellationToken);

    public Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(TimeSpan aliveWithin, CancellationToken cancellationToken) => ReadAsync<IReadOnlyList<AgentInfo>>(async s =>
    {
        var agents = await s.QueryAsync("""
            SELECT name, address, host, pid, started_at, last_heartbeat, stopped, objects_per_second, bytes_per_second, {now},
                boot_id, process_start
            FROM agents
            """, r => (Name: r.GetString(0), Address: DbSession.NullableString(r, 1), Host: DbSession.NullableString(r, 2),
                Pid: r.IsDBNull(3) ? 0 : DbSession.Int(r, 3), Started: DbSession.Time(r, 4), Last: DbSession.Long(r, 5),
                Stopped: DbSession.Long(r, 6) != 0, Ops: DbSession.Double(r, 7), Bps: DbSession.Double(r, 8), Now: DbSession.Long(r, 9),
                Boot: DbSession.NullableString(r, 10), ProcessStart: DbSession.NullableLong(r, 11)),
            cancellationToken).ConfigureAwait(false);
        // Only live leases count: a dead agent's expired segments are anyone's.
        var segments = await s.QueryAsync("""
            SELECT s.owner, t.name, COUNT(*) FROM segments s JOIN tasks t ON t.id = s.task_id
            WHERE s.state = {segment.Leased} AND s.lease_until >= {now} GROUP BY s.owner, t.name
            """, r => (Owner: r.GetString(0), Task: r.GetString(1), Count: DbSession.Int(r, 2)), cancellationToken).ConfigureAwait(false);
        var tasks = await s.QueryAsync("""
            SELECT name, listing_owner, CASE WHEN listing_lease_until >= {now} THEN 1 ELSE 0 END, master_agent
            FROM tasks WHERE state IN ('Pending', 'Running')
            """, r => (Name: r.GetString(0), Lister: DbSession.NullableString(r, 1), Leased: DbSession.Long(r, 2) == 1,
                Master: DbSession.NullableString(r, 3)), cancellationToken).ConfigureAwait(false);

        var list = new List<AgentInfo>();
        foreach (var a in agents.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            var alive = !a.Stopped && a.Last >= a.Now - (long)aliveWithin.TotalMilliseconds;
            var roles = new List<AgentTaskRole>();
            foreach (var t in tasks)
            {
                var held = segments.Where(x => x.Owner == a.Name && x.Task == t.Name).Sum(x => x.Count);
                var lists = t.Lister == a.Name && t.Leased;
                var named = t.Master is { } m && (string.Equals(m, a.Name, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(m, a.Address, StringComparison.OrdinalIgnoreCase));
                // The named master keeps its title unless another agent has taken the listing over.
                var master = lists || (named && alive && !(t.Leased && t.Lister != a.Name));
                if (master || held > 0)
                    roles.Add(new AgentTaskRole { TaskName = t.Name, Role = master ? AgentRole.Master : AgentRole.Worker, SegmentsInFlight = held });
            }
            list.Add(new AgentInfo
            {
                Name = a.Name,
                Address = a.Address,
                HostName = a.Host,
                ProcessId = a.Pid,
                ProcessStart = a.ProcessStart,
                BootId = a.Boot,
                StartedAt = a.Started,
                LastHeartbeat = DateTimeOffset.FromUnixTimeMilliseconds(a.Last),
                IsAlive = alive,
                State = alive ? AgentState.Alive : a.Stopped ? AgentState.Stopped : AgentState.Lost,
                SegmentsInFlight = segments.Where(x => x.Owner == a.Name).Sum(x => x.Count),
                Tasks = roles,
                ObjectsPerSecond = alive ? a.Ops : 0,
                BytesPerSecond = alive ? a.Bps : 0,
            });
        }
        return list;
    }, cancellationToken);

    public Task<int> CountWorkingAgentsAsync(long taskId, TimeSpan aliveWithin, CancellationToken cancellationToken) => ReadAsync(async s =>
    {
        var count = Convert.ToInt32(await s.ScalarAsync("""
            SELECT COUNT(*) FROM agents a
            WHERE a.stopped = 0 AND a.last_heartbeat >= {now} - @alive
              AND (EXISTS (SELECT 1 FROM segments s WHERE s.task_id = @t AND s.state = {segment.Leased} AND s.owner = a.name)
                   OR EXISTS (SELECT 1 FROM tasks t WHERE t.id = @t AND t.listing_owner = a.name))
            """, cancellationToken, ("@alive", (long)aliveWithin.TotalMilliseconds), ("@t", taskId)).ConfigureAwait(false));
        return Math.Max(1, count);
    }, cancellationToken);
}
