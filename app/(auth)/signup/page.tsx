import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SignUpForm } from "./signup-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("signUpMetaTitle") };
}

export default function SignUpPage() {
  return <SignUpForm />;
}
