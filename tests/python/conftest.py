import os

# Keep tests single-threaded unless a test asks for threads explicitly.
os.environ.setdefault("OMP_NUM_THREADS", "1")
