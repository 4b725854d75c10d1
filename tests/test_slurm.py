"""A real one-node SLURM cluster on localhost runs a sweep as a job array, and a preempted array task resumes.

The cluster is Debian's slurm-wlm with munge, installed with apt-get when missing. Every file it writes (config,
state, spool, logs) sits in a temporary folder, and every daemon the fixture starts is stopped by its finalizer.
The test skips, with the reason, where that cannot work: not Linux, not root, or apt-get cannot install the packages.
"""
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

# The tiny grid: 2 classification tasks with local data x 2 seeds, one method
GRID_TASKS = ["sst2", "trec"]
GRID_METHODS = ["lora_diffusion"]
GRID_SEEDS = [1, 2]
TRAIN_ROWS, EVAL_ROWS = 64, 16           # rows of the small data copy; the final evaluation decodes EVAL_ROWS
TINY = ["--config", "quickstart_cpu", "--training.batch_size", "32", "--data.subset_size", "32",
        "--training.eval_frequency", "0", "--training.log_frequency", "1"]
SBATCH_ARGS = "--time=00:20:00 --cpus-per-task=1 --mem=1500M --gpus-per-node=0"
SWEEP_TIMEOUT_S = 900                    # bound on waiting for the 4-cell array
PREEMPT_STEPS = 40                       # long enough that USR1 arrives while the cell trains
SCRIPTS_DIR = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent


def run(cmd, env=None, timeout=120, check=True):
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd} exited with {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def install_packages():
    "Install slurm-wlm and munge with apt-get when slurmctld is missing; skip the test with apt's reason on failure."
    if shutil.which("slurmctld") and shutil.which("munged"):
        return
    if shutil.which("apt-get") is None:
        pytest.skip("slurm-wlm is not installed and apt-get is not available to install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "slurm-wlm", "munge"]
    result = subprocess.run(install, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:  # the package lists may be missing or stale
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, text=True, timeout=600)
        result = subprocess.run(install, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["no output"]
        pytest.skip(f"apt-get could not install slurm-wlm and munge (exit {result.returncode}): {lines[-1]}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_mb():
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024
    raise AssertionError("MemTotal not found in /proc/meminfo")


def write_slurm_conf(root: Path) -> Path:
    (root / "state").mkdir()
    (root / "spool").mkdir()
    conf = f"""\
ClusterName=loratest
SlurmctldHost=localhost
SlurmUser=root
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
AuthType=auth/munge
CredType=cred/munge
# requeued jobs wait cred_expire seconds before they start again (default 120)
AuthInfo=cred_expire=10
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/slurmctld.log
SlurmdLogFile={root}/slurmd.log
# no cgroups here: track processes through /proc and bind no tasks
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# without a default memory per CPU each array task takes the whole node, and tasks run one at a time
DefMemPerCPU=1500
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,sched_interval=1
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MinJobAge=600
NodeName=localhost CPUs={os.cpu_count()} RealMemory={int(memory_mb() * 0.8)} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""
    path = root / "slurm.conf"
    path.write_text(conf)
    return path


def start_munged(started: list):
    "Start munged as the munge user unless one already answers; record it in `started` when this test started it."
    if subprocess.run("munge -n | unmunge", shell=True, capture_output=True).returncode == 0:
        return
    munge = pwd.getpwnam("munge")
    run_dir = Path("/run/munge")
    run_dir.mkdir(mode=0o755, exist_ok=True)
    os.chown(run_dir, munge.pw_uid, munge.pw_gid)
    if not Path("/etc/munge/munge.key").is_file():
        run(["runuser", "-u", "munge", "--", "mungekey", "--create"])
    daemon = subprocess.Popen(["/usr/sbin/munged", "--foreground"], user="munge", stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    started.append(("munged", daemon))
    for _ in range(50):
        if subprocess.run("munge -n | unmunge", shell=True, capture_output=True).returncode == 0:
            return
        time.sleep(0.2)
    raise AssertionError("munged did not answer within 10 s")


def stop(name, process):
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster():
    "A one-node cluster: its SLURM_CONF environment and its temporary folder."
    if not sys.platform.startswith("linux"):
        pytest.skip("the SLURM test needs Linux")
    if os.geteuid() != 0:
        pytest.skip("the SLURM test starts munged and slurmd, which needs root")
    install_packages()
    root = Path(tempfile.mkdtemp(prefix="lora-slurm-"))
    started, submitted = [], []
    env = {**os.environ, "SLURM_CONF": str(write_slurm_conf(root)), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "PATH": f"{SCRIPTS_DIR}:{os.environ['PATH']}", "PYTHONPATH": str(REPO),
           "LORA_DIFFUSION_DATA": os.environ.get("LORA_DIFFUSION_DATA") or str(REPO.parent / "shared" / "data")}
    try:
        start_munged(started)
        for name, command in [("slurmctld", ["slurmctld", "-D", "-c"]), ("slurmd", ["slurmd", "-D", "-N", "localhost"])]:
            with (root / f"{name}.out").open("w") as out:
                started.append((name, subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                                       start_new_session=True)))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = run(["sinfo", "-h", "-o", "%T"], env=env, check=False).stdout.strip()
            if state == "idle":
                break
            time.sleep(1)
        else:
            logs = "\n".join(p.read_text()[-2000:] for p in root.glob("*.log"))
            raise AssertionError(f"the node is {state!r}, not idle, 60 s after start:\n{logs}")
        yield {"env": env, "root": root, "submitted": submitted}
    finally:
        for job in submitted:
            subprocess.run(["scancel", job], env=env, capture_output=True, timeout=30)
        wait_for_jobs(env, submitted, timeout=60, check=False)
        for name, process in reversed(started):
            stop(name, process)
        shutil.rmtree(root, ignore_errors=True)


def wait_for_jobs(env, jobs, timeout, check=True):
    "Wait until none of `jobs` is pending or running, polling squeue (this cluster has no accounting for sacct)."
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listed = [run(["squeue", "-h", "-j", job, "-o", "%i %T"], env=env, check=False).stdout.strip() for job in jobs]
        if not any(listed):
            return
        time.sleep(2)
    if check:
        raise AssertionError(f"jobs {jobs} still queued after {timeout} s: {listed}")


def job_field(env, job, field):
    text = run(["scontrol", "show", "job", job], env=env).stdout
    for word in text.split():
        if word.startswith(field + "="):
            return word.split("=", 1)[1]
    raise AssertionError(f"{field} not in scontrol show job {job}:\n{text}")


def write_small_data(folder: Path) -> Path:
    "The shipped SST-2 sample cut to TRAIN_ROWS training and EVAL_ROWS validation rows."
    from lora_diffusion.data import PACKAGE_DIR
    folder.mkdir(parents=True)
    for split, rows in (("train", TRAIN_ROWS), ("validation", EVAL_ROWS)):
        lines = (PACKAGE_DIR / "data" / "sst2" / f"{split}.jsonl").read_text().splitlines()[:rows]
        (folder / f"{split}.jsonl").write_text("\n".join(lines) + "\n")
    return folder


def submit(cluster, output_dir, tasks, methods, seeds, extra=()):
    command = [str(SCRIPTS_DIR / "lora-diffusion-experiments"), "--launcher", "slurm", "--tasks", *tasks,
               "--methods", *methods, "--seeds", *map(str, seeds), "--output_dir", str(output_dir),
               f"--sbatch_args={SBATCH_ARGS}", *TINY, *extra]
    result = run(command, env=cluster["env"], timeout=300)
    words = result.stdout.split()
    job = words[words.index("array") + 1]
    cluster["submitted"].append(job)
    return job


def test_sweep_array_runs_every_cell(cluster, tmp_path):
    out = tmp_path / "grid"
    # each task reads its own local data: a seeded sample of 32 training and EVAL_ROWS evaluation examples
    job = submit(cluster, out, GRID_TASKS, GRID_METHODS, GRID_SEEDS,
                 ["--training.max_steps", "6", "--data.eval_max_examples", str(EVAL_ROWS)])
    wait_for_jobs(cluster["env"], [job], SWEEP_TIMEOUT_S)

    cells = [(t, m, s) for t in GRID_TASKS for m in GRID_METHODS for s in GRID_SEEDS]
    logs = sorted((out / "slurm" / "logs").glob(f"lora-sweep_{job}_*.out"))
    assert len(logs) == len(cells), [p.name for p in logs]
    for task, method, seed in cells:
        folder = out / task / method / f"seed_{seed}"
        assert (folder / "metrics.json").is_file(), (folder, [p.read_text()[-3000:] for p in logs])
        metrics = json.loads((folder / "metrics.json").read_text())
        assert (metrics["task"], metrics["method"], metrics["seed"]) == (task, method, seed)
        assert metrics["steps"] == 6
        assert metrics["num_examples"] == EVAL_ROWS

    collect = [str(SCRIPTS_DIR / "lora-diffusion-experiments"), "--collect_only", "--output_dir", str(out)]
    collected = run(collect, env=cluster["env"])
    table = (out / "results.csv").read_text().splitlines()
    assert len(table) == 1 + len(GRID_TASKS) * len(GRID_METHODS), table
    for line in table[1:]:
        assert line.split(",")[2:4] == [str(len(GRID_SEEDS)), "0"], line  # n_seeds, n_failed
    assert "None: every run folder has a usable metrics.json." in (out / "failures.md").read_text()
    assert f"| {GRID_TASKS[0]} | {GRID_METHODS[0]} | {len(GRID_SEEDS)} | 0 |" in collected.stdout


def test_preempted_cell_requeues_and_resumes(cluster, tmp_path):
    import lora_diffusion.training as training
    if not hasattr(training, "PREEMPTED_EXIT_CODE"):
        pytest.skip("lora_diffusion.training has no PREEMPTED_EXIT_CODE yet: training does not checkpoint on "
                    "SIGUSR1, so there is nothing to resume")
    data = write_small_data(tmp_path / "data")
    out = tmp_path / "preempt"
    job = submit(cluster, out, ["sst2"], ["lora_diffusion"], [3],
                 ["--training.max_steps", str(PREEMPT_STEPS), "--data.data_dir", str(data)])
    task = f"{job}_0"
    folder = out / "sst2" / "lora_diffusion" / "seed_3"
    log_file = folder / "train_log.jsonl"

    # wait until the cell has logged two steps, then preempt it the way --signal=B:USR1 does
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if log_file.is_file() and len(log_file.read_text().splitlines()) >= 2:
            break
        assert run(["squeue", "-h", "-j", job], env=cluster["env"], check=False).stdout.strip(), "the job ended early"
        time.sleep(1)
    else:
        raise AssertionError(f"{log_file} has no two steps after 600 s")
    run(["scancel", "-b", "--signal=USR1", task], env=cluster["env"])
    wait_for_jobs(cluster["env"], [job], SWEEP_TIMEOUT_S)

    slurm_log = (out / "slurm" / "logs" / f"lora-sweep_{job}_0.out").read_text()
    assert int(job_field(cluster["env"], task, "Restarts")) >= 1, slurm_log[-3000:]
    assert "received SIGUSR1" in slurm_log, slurm_log[-3000:]
    assert "requeueing it to resume" in slurm_log, slurm_log[-3000:]
    assert "attempt 2" in slurm_log, slurm_log[-3000:]
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["steps"] == PREEMPT_STEPS
    steps = [json.loads(line)["step"] for line in log_file.read_text().splitlines() if '"loss"' in line]
    # a resumed run continues after its checkpoint, so no step is trained (and logged) twice
    assert sorted(steps) == sorted(set(steps)), steps
    assert steps[-1] == PREEMPT_STEPS, steps
    assert (folder / "checkpoints").is_dir()


STUB_TRAINER = """#!/usr/bin/env bash
# Stands in for the interpreter that run_job.sh starts: the first attempt waits for SIGUSR1 and exits with 75 like
# preempted training; a requeued attempt (SLURM_RESTART_COUNT >= 1) succeeds at once.
if [ "${SLURM_RESTART_COUNT:-0}" -ge 1 ]; then echo "$SLURM_RESTART_COUNT" > "$STUB_DIR/resumed"; exit 0; fi
trap 'echo USR1 > "$STUB_DIR/signal"; exit 75' USR1
echo "$$" > "$STUB_DIR/started"
for _ in $(seq 3000); do sleep 0.2; done
exit 1
"""


def test_run_job_forwards_usr1_and_requeues(cluster, tmp_path):
    "The SLURM side of preemption, with a stub trainer: signal to the batch shell, forwarding, exit 75, requeue."
    stub = tmp_path / "stub_python"
    stub.write_text(STUB_TRAINER)
    stub.chmod(0o755)
    folder = tmp_path / "run"
    grid = tmp_path / "grid.tsv"
    grid.write_text("index\ttask\tmethod\tseed\tlabel\toutput_dir\tconfig\n"
                    f"0\tsst2\tlora_diffusion\t1\tlora_diffusion\t{folder}\t{tmp_path / 'unused.yaml'}\n")
    log = tmp_path / "array_%A_%a.out"
    env = {**cluster["env"], "STUB_DIR": str(tmp_path)}
    command = ["sbatch", "--parsable", "--array=0-0", f"--output={log}",
               f"--export=ALL,RUN_JOB={REPO / 'slurm' / 'run_job.sh'},PYTHON={stub}", *SBATCH_ARGS.split(),
               str(REPO / "slurm" / "sweep_array.slurm"), str(grid)]
    job = run(command, env=env).stdout.strip().split(";")[0]
    cluster["submitted"].append(job)

    deadline = time.monotonic() + 120
    while not (tmp_path / "started").is_file():
        assert time.monotonic() < deadline, "the stub trainer did not start within 120 s"
        time.sleep(0.5)
    run(["scancel", "-b", "--signal=USR1", f"{job}_0"], env=env)
    wait_for_jobs(env, [job], timeout=180)

    text = Path(str(log).replace("%A", job).replace("%a", "0")).read_text()
    assert (tmp_path / "signal").is_file(), text
    assert (tmp_path / "resumed").read_text().strip() == "1", text
    assert "received SIGUSR1" in text, text
    assert "training exited with status 75" in text, text
    assert "requeueing it to resume" in text, text
    assert "attempt 2" in text, text  # with --open-mode=append, the first attempt's lines are kept
    assert int(job_field(env, f"{job}_0", "Restarts")) == 1
    assert job_field(env, f"{job}_0", "JobState") == "COMPLETED"


def test_run_job_submits_train_slurm(cluster, tmp_path):
    "run_job.sh outside a job submits train.slurm with the resources from the environment, and the job runs it."
    stub = tmp_path / "stub_python"
    stub.write_text('#!/usr/bin/env bash\necho "$@" > "$STUB_DIR/arguments"\n')
    stub.chmod(0o755)
    env = {**cluster["env"], "STUB_DIR": str(tmp_path), "PYTHON": str(stub), "TASK": "sst2", "METHOD": "bitfit",
           "SEED": "7", "MAX_STEPS": "3", "OUTPUT_DIR": str(tmp_path / "run"), "GPUS": "0", "CPUS": "1",
           "MEM": "1000M", "TIME": "00:05:00", "JOB_NAME": "lora-single"}
    env.pop("SLURM_JOB_ID", None)
    result = subprocess.run(["bash", str(REPO / "slurm" / "run_job.sh")], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    job = result.stdout.strip().split()[-1]
    cluster["submitted"].append(job)
    wait_for_jobs(env, [job], timeout=120)

    arguments = (tmp_path / "arguments").read_text().split()
    assert arguments[arguments.index("--task") + 1] == "sst2", arguments
    assert arguments[arguments.index("--seed") + 1] == "7", arguments
    assert arguments[arguments.index("--training.max_steps") + 1] == "3", arguments
    log = (tmp_path / "slurm_logs" / f"lora-single_{job}.out").read_text()
    assert f"job {job} attempt 1" in log, log
    assert job_field(env, job, "JobState") == "COMPLETED"
