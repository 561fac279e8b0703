import json, sys
from samtranslator.translator.transform import transform
from samtranslator.public.translator import ManagedPolicyLoader
import boto3
t = json.load(open(sys.argv[1]))
t["Transform"] = "AWS::Serverless-2016-10-31"
t.setdefault("Globals",{}).setdefault("Function",{})["CodeUri"]="s3://bucket/function.zip"
for r in t["Resources"].values():
    if r["Type"]=="AWS::Serverless::Function": r["Properties"].pop("CodeUri",None)
out_path = sys.argv[2] if len(sys.argv)>2 else None
class Loader:
    def load(self): return {"AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}
out = transform(t, {}, Loader())
if out_path: json.dump(out, open(out_path,"w"), indent=1)
for name, r in out["Resources"].items():
    if r["Type"] == "AWS::IAM::Role":
        print(name, r["Properties"].get("ManagedPolicyArns"))
