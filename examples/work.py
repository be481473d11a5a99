import argparse, time

parser = argparse.ArgumentParser(description="Sleep for --time seconds: the unit of work of the seed study.")
parser.add_argument("--time", type=float, required=True, help="seconds to sleep")
args = parser.parse_args()
time.sleep(args.time)
